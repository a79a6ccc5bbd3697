using System.Globalization;
using System.Text.Json;
using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Jobs;

/// <summary>
/// Runs jobs from the queue: claims one, runs it while keeping its lease alive, and records the
/// outcome. Several runners (threads or processes) share one queue without doing a job twice.
/// </summary>
public sealed class JobRunner
{
    private readonly AnalyticsDatabase database;
    private readonly JobQueue queue;
    private readonly Aggregator aggregator;
    private readonly JobOptions options;
    private readonly string owner;
    private readonly Exports.ExportService? exports;
    private long nextOrphanCheck; // Environment.TickCount64

    /// <summary>A runner; <paramref name="exports"/> runs <c>export</c> jobs (without it they fail with a clear message).</summary>
    public JobRunner(AnalyticsDatabase database, Aggregator aggregator, JobOptions? options = null, string? owner = null, Exports.ExportService? exports = null)
    {
        this.exports = exports;
        this.database = database ?? throw new ArgumentNullException(nameof(database));
        this.aggregator = aggregator ?? throw new ArgumentNullException(nameof(aggregator));
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
        using var payload = JsonDocument.Parse(string.IsNullOrWhiteSpace(job.Payload) ? "{}" : job.Payload);
        var root = payload.RootElement;
        switch (job.Type)
        {
            case JobTypes.Fold:
                await aggregator.FoldAsync(cancellationToken);
                break;
            case JobTypes.Recompute:
                await aggregator.RecomputeAsync(new RecomputeScope(job.TenantId ?? OptionalString(root, "tenant_id"), OptionalDate(root, "from"), OptionalDate(root, "to")), cancellationToken);
                break;
            case JobTypes.DailyAggregate:
            {
                var date = RequiredDate(root, "date");
                await aggregator.RecomputeAsync(new RecomputeScope(RequiredString(root, "tenant_id"), date, date.AddDays(1)), cancellationToken);
                break;
            }
            case JobTypes.CampaignAggregate:
            {
                // A campaign's rows share billing periods with its tenant's other rows, so the
                // tenant's periods holding that date are rebuilt (still one set-based pass).
                var date = RequiredDate(root, "date");
                var campaign = RequiredString(root, "campaign_id");
                await using var connection = await database.OpenPipelineConnectionAsync(cancellationToken);
                var tenant = await connection.ScalarAsync<string>(
                    "SELECT co.tenant_id FROM campaigns c JOIN companies co ON co.id = c.company_id WHERE c.id = $1", cancellationToken, campaign)
                    ?? throw new AnalyticsException($"unknown campaign '{campaign}'");
                await aggregator.RecomputeAsync(new RecomputeScope(tenant, date, date.AddDays(1)), cancellationToken);
                break;
            }
            case JobTypes.Maintenance:
            {
                var options = new Maintenance.MaintenanceOptions();
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("retention_days", out var days) && days.TryGetInt32(out var retention) && retention > 0)
                {
                    options.Retention = TimeSpan.FromDays(retention);
                }
                await new Maintenance.Maintainer(database).RunAsync(options, cancellationToken);
                break;
            }
            case JobTypes.Export:
                await (exports ?? throw new AnalyticsException("this process cannot write exports (no export service)"))
                    .RunAsync(RequiredString(root, "export_id"), cancellationToken);
                break;
            case JobTypes.BillingCalculate:
                await aggregator.RecomputeAsync(new RecomputeScope(RequiredString(root, "tenant_id"), RequiredDate(root, "period_start"), RequiredDate(root, "period_end")), cancellationToken);
                break;
            default:
                throw new AnalyticsException($"unknown job type '{job.Type}'");
        }
    }

    private static string? OptionalString(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string RequiredString(JsonElement root, string name) =>
        OptionalString(root, name) ?? throw new AnalyticsException($"the job payload needs \"{name}\"");

    private static DateOnly? OptionalDate(JsonElement root, string name)
    {
        var text = OptionalString(root, name);
        if (text is null)
        {
            return null;
        }
        // Dates, or timestamps whose UTC day is meant (period_start may come as either).
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp))
        {
            return DateOnly.FromDateTime(timestamp.UtcDateTime);
        }
        throw new AnalyticsException($"the job payload's \"{name}\" is not a date: \"{text}\"");
    }

    private static DateOnly RequiredDate(JsonElement root, string name) =>
        OptionalDate(root, name) ?? throw new AnalyticsException($"the job payload needs \"{name}\"");

    private sealed class JobAbandonedException(string message) : Exception(message);
}

/// <summary>What a runner did: jobs succeeded, attempts failed and retried later, jobs dead-lettered.</summary>
public sealed record JobRunSummary(int Succeeded, int Retried, int Dead);
