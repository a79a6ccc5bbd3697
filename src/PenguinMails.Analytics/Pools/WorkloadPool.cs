using System.Diagnostics;

namespace PenguinMails.Analytics.Pools;

/// <summary>
/// One workload class: at most <see cref="MaxConnections"/> of its statements at a time, a wait
/// of at most <see cref="AcquireTimeout"/> for a turn, and <see cref="QueryTimeout"/> per statement.
/// It counts what the metrics sampler writes into <c>analytics_pool_metrics</c>.
/// </summary>
public sealed class WorkloadPool : IDisposable
{
    private readonly SemaphoreSlim slots;
    private readonly Lock gate = new();
    private int waiting;
    private long executed;
    private long totalMilliseconds;
    private long maxMilliseconds;
    private int queryTimeouts;
    private int acquireTimeouts;

    internal WorkloadPool(string type, int maxConnections, TimeSpan acquireTimeout, TimeSpan queryTimeout)
    {
        Type = type;
        MaxConnections = Math.Max(1, maxConnections);
        AcquireTimeout = acquireTimeout;
        QueryTimeout = queryTimeout;
        slots = new SemaphoreSlim(MaxConnections, MaxConnections);
    }

    public string Type { get; }

    public int MaxConnections { get; }

    public TimeSpan AcquireTimeout { get; }

    public TimeSpan QueryTimeout { get; }

    public int Active => MaxConnections - slots.CurrentCount;

    public int Waiting => Volatile.Read(ref waiting);

    /// <summary>Waits for a turn; dispose the lease when the statement is done.</summary>
    public async Task<Lease> AcquireAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref waiting);
        try
        {
            if (!await slots.WaitAsync(AcquireTimeout, cancellationToken))
            {
                Interlocked.Increment(ref acquireTimeouts);
                throw new PoolExhaustedException(Type, MaxConnections, AcquireTimeout);
            }
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
        return new Lease(this);
    }

    /// <summary>Counters since the last call, and resets them: one sample for the metrics table.</summary>
    public PoolSample TakeSample()
    {
        lock (gate)
        {
            var sample = new PoolSample(Type, MaxConnections, Active, Waiting, executed,
                executed == 0 ? 0 : (int)(totalMilliseconds / executed), (int)maxMilliseconds, queryTimeouts, acquireTimeouts);
            executed = totalMilliseconds = maxMilliseconds = 0;
            queryTimeouts = acquireTimeouts = 0;
            return sample;
        }
    }

    private void Release(long milliseconds, bool timedOut)
    {
        lock (gate)
        {
            executed++;
            totalMilliseconds += milliseconds;
            maxMilliseconds = Math.Max(maxMilliseconds, milliseconds);
            if (timedOut)
            {
                queryTimeouts++;
            }
        }
        slots.Release();
    }

    public void Dispose() => slots.Dispose();

    /// <summary>A turn in the pool. Call <see cref="TimedOut"/> when the statement hit its timeout.</summary>
    public sealed class Lease(WorkloadPool pool) : IDisposable
    {
        private readonly long started = Stopwatch.GetTimestamp();
        private bool timedOut;
        private int released;

        public void TimedOut() => timedOut = true;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                pool.Release((long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, timedOut);
            }
        }
    }
}

/// <summary>What a pool did since the previous sample.</summary>
public sealed record PoolSample(string PoolType, int MaxConnections, int Active, int Waiting, long Executed,
    int AverageMilliseconds, int MaxMilliseconds, int QueryTimeouts, int AcquireTimeouts);
