namespace PenguinMails.Analytics.Ingestion;

/// <summary>
/// Counts every rejection and keeps the first ones, so a file of bad lines cannot exhaust memory.
/// Thread-safe: the parser and the batch writer report into it at the same time.
/// </summary>
internal sealed class RejectionReport(int limit)
{
    private readonly List<Rejection> kept = [];
    private readonly Lock gate = new();
    private long count;

    public long Count => Interlocked.Read(ref count);

    public void Add(Rejection rejection)
    {
        lock (gate)
        {
            count++;
            if (kept.Count < limit)
            {
                kept.Add(rejection);
            }
        }
    }

    /// <summary>Counts rejections that another report kept the details of (or dropped past its limit).</summary>
    public void AddUnlisted(long rejections) => Interlocked.Add(ref count, rejections);

    public IReadOnlyList<Rejection> Sorted()
    {
        lock (gate)
        {
            return kept.OrderBy(r => r.Line).ToList();
        }
    }
}
