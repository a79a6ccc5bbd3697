using System.Diagnostics;

namespace PenguinMails.Analytics.Bench;

/// <summary>
/// Samples the process's memory while it lives: the working set (DuckDB's memory is native, so GC
/// figures alone would miss it), the managed heap as it is (garbage included), and what the managed
/// heap held just after each full collection — the part that has to stay flat as the input grows.
/// </summary>
internal sealed class PeakMemory : IDisposable
{
    private readonly Timer timer;
    private readonly int fullCollectionsBefore = GC.CollectionCount(2);
    private readonly long collectionIndexBefore = GC.GetGCMemoryInfo(GCKind.Any).Index;
    private long peak;
    private long peakManaged;
    private long peakLive;

    public PeakMemory() => timer = new Timer(_ => Sample(), null, 0, 100);

    public double PeakMegabytes => Read(ref peak);

    /// <summary><c>GC.GetTotalMemory</c> without a collection: counts garbage not collected yet.</summary>
    public double PeakManagedMegabytes => Read(ref peakManaged);

    /// <summary>The largest heap left by a full collection (live objects and their fragmentation).</summary>
    public double PeakLiveMegabytes => Read(ref peakLive);

    /// <summary>Full collections since this sampler started: what <see cref="PeakLiveMegabytes"/> is drawn from.</summary>
    public int FullCollections => GC.CollectionCount(2) - fullCollectionsBefore;

    private double Read(ref long field)
    {
        Sample();
        return Interlocked.Read(ref field) / 1e6;
    }

    private void Sample()
    {
        using var process = Process.GetCurrentProcess();
        Raise(ref peak, process.WorkingSet64);
        Raise(ref peakManaged, GC.GetTotalMemory(forceFullCollection: false));
        foreach (var kind in new[] { GCKind.FullBlocking, GCKind.Background })
        {
            // Only the collections since this sampler started: an earlier phase's heap is not ours.
            var info = GC.GetGCMemoryInfo(kind);
            if (info.Index > collectionIndexBefore)
            {
                Raise(ref peakLive, info.HeapSizeBytes - info.FragmentedBytes);
            }
        }
    }

    private static void Raise(ref long field, long value)
    {
        long seen;
        while ((seen = Interlocked.Read(ref field)) < value && Interlocked.CompareExchange(ref field, value, seen) != seen)
        {
        }
    }

    public void Dispose() => timer.Dispose();
}
