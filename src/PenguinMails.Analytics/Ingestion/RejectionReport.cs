namespace PenguinMails.Analytics.Ingestion;

/// <summary>Counts every rejection and keeps the first ones, so a file of bad lines cannot exhaust memory.</summary>
internal sealed class RejectionReport(int limit)
{
    private readonly List<Rejection> kept = [];

    public long Count { get; private set; }

    public void Add(Rejection rejection)
    {
        Count++;
        if (kept.Count < limit)
        {
            kept.Add(rejection);
        }
    }

    public IReadOnlyList<Rejection> Sorted() => kept.OrderBy(r => r.Line).ToList();
}
