using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Jobs;

/// <summary>
/// Runs jobs from the queue: claims one, hands it to the <see cref="IJobHandler"/> of its type
/// while keeping its lease alive, and records the outcome. Several runners (threads or processes)
/// share one queue without doing a job twice.
/// </summary>
public sealed class JobRunner
{
    private readonly AnalyticsDatabase database;
    private readonly JobQueue queue;
    private readonly Dictionary<string, IJobHandler> handlers;
    private readonly JobOptions options;
    private readonly string owner;
    private long nextOrphanCheck; // Environment.TickCount64

    /// <summary>A runner of the jobs <paramref name="handlers"/> run (<c>JobHandlers.All</c>: every type); any other type fails.</summary>
    public JobRunner(AnalyticsDatabase database, IEnumerable<IJobHandler> handlers, JobOptions? options = null, string? owner = null)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        this.database = database ?? throw new ArgumentNullException(nameof(database));
        this.handlers = handlers.SelectMany(h => h.JobTypes.Select(type => (type, h))).ToDictionary(p => p.type, p => p.h, StringComparer.Ordinal);
        this.options = options ?? new JobOptions();
        queue = new JobQueue(database, this.options);
        this.owner = owner ?? JobQueue.NewOwner();
    }

    /// <summary>Jobs this runner finished, failed (to be retried) and dead-lettered.</summary>
    public JobRunSummary Summary { get; private set; } = new(0, 0, 0);

    /// <summary>
    /// Runs jobs until none is outstanding: waits out retries' backoff and other workers' leases
    /// (a crashed worker's job is taken over when its lease expires). Returns what this runner did.
    /// </summary>
    public async Task<JobRunSummary> RunUntilIdleAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (await RunOneAsync(cancellationToken))
            {
                continue;
            }
            if (await queue.OutstandingAsync(cancellationToken) == 0)
            {
                return Summary;
            }
            await Task.Delay(options.PollInterval, cancellationToken);
        }
    }

    /// <summary>Runs jobs until cancelled (the worker role of <c>serve</c>).</summary>
    public async Task RunForeverAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!await RunOneAsync(cancellationToken))
            {
                await Task.Delay(options.PollInterval, cancellationToken);
            }
        }
    }

    /// <summary>Claims and runs one job; false when none was due.</summary>
    public async Task<bool> RunOneAsync(CancellationToken cancellationToken = default)
    {
        var job = await queue.ClaimAsync(owner, cancellationToken);
        if (job is null && Environment.TickCount64 >= nextOrphanCheck)
        {
            // A process of this host killed holding a job: take the job over now, not after its lease.
            nextOrphanCheck = Environment.TickCount64 + (long)options.OrphanCheckInterval.TotalMilliseconds;
            if (await queue.ExpireOrphanedLeasesAsync(cancellationToken) > 0)
            {
                job = await queue.ClaimAsync(owner, cancellationToken);
            }
        }
        if (job is null)
        {
            return false;
        }
        await RunClaimedAsync(job, cancellationToken);
        return true;
    }

    /// <summary>
    /// Runs a job this runner's owner has claimed, keeping its lease alive, and records the outcome;
    /// if <paramref name="cancellationToken"/> stops it, the job goes back to the queue at once.
    /// </summary>
    public async Task RunClaimedAsync(Job job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        Exception? failure = null;
        using (var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var keepAlive = KeepLeaseAsync(job, heartbeat.Token);
            try
            {
                if (job.Attempt > job.MaxAttempts)
                {
                    // Its earlier workers died holding it, attempts are used up: no further tries.
                    throw new JobAbandonedException($"the job's lease expired {job.Attempt - 1} times (its workers stopped)");
                }
                await RunAsync(job, cancellationToken);
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                await heartbeat.CancelAsync();
                await keepAlive;
            }
        }

        if (failure is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            // Stopping: the job's transaction rolled back; hand it to another worker now.
            await queue.ReleaseAsync(job, owner, CancellationToken.None);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        if (failure is null)
        {
            await queue.CompleteAsync(job, owner, cancellationToken);
            Summary = Summary with { Succeeded = Summary.Succeeded + 1 };
            return;
        }
        var message = database.DescribeError(failure.InnerException ?? failure) ?? failure.Message;
        var dead = await queue.FailAsync(job, owner, message, CancellationToken.None);
        Summary = dead ? Summary with { Dead = Summary.Dead + 1 } : Summary with { Retried = Summary.Retried + 1 };
    }

    private async Task KeepLeaseAsync(Job job, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(options.Lease / 3, cancellationToken);
                try
                {
                    await queue.ExtendLeaseAsync(job, owner, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A missed beat (a busy database, a write conflict) is made up by the next one,
                    // a third of a lease later; the job itself goes on.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The job ended.
        }
    }

    private async Task RunAsync(Job job, CancellationToken cancellationToken)
    {
        var handler = handlers.GetValueOrDefault(job.Type) ?? throw new AnalyticsException($"unknown job type '{job.Type}'");
        using var payload = JobPayload.Parse(job.Payload);
        await handler.RunAsync(job, payload, cancellationToken);
    }

    private sealed class JobAbandonedException(string message) : Exception(message);
}

/// <summary>What a runner did: jobs succeeded, attempts failed and retried later, jobs dead-lettered.</summary>
public sealed record JobRunSummary(int Succeeded, int Retried, int Dead);
