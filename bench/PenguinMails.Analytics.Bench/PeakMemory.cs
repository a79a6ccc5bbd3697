using System.Diagnostics;

namespace PenguinMails.Analytics.Bench;

/// <summary>Samples the process's working set while it lives (DuckDB's memory is native, so GC figures would miss it).</summary>
internal sealed class PeakMemory : IDisposable
{
    private readonly Timer timer;
    private long peak;
    private long peakManaged;

    public PeakMemory() => timer = new Timer(_ => Sample(), null, 0, 100);

    public double PeakMegabytes
    {
        get
        {
            Sample();
            return Interlocked.Read(ref peak) / 1e6;
        }
    }

    public double PeakManagedMegabytes
    {
        get
        {
            Sample();
            return Interlocked.Read(ref peakManaged) / 1e6;
        }
    }

    private void Sample()
    {
        using var process = Process.GetCurrentProcess();
        Raise(ref peak, process.WorkingSet64);
        Raise(ref peakManaged, GC.GetTotalMemory(forceFullCollection: false));
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
