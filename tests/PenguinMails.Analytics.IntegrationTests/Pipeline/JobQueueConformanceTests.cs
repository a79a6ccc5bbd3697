using PenguinMails.Analytics.Jobs;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Pipeline;

/// <summary>The durable job queue on both engines: leases, retries, dead letters, parallel workers.</summary>
public abstract class JobQueueConformanceTests : IAsyncLifetime
{
    private PipelineFixture? fixture;

    protected abstract StorageEngine Engine { get; }

    private PipelineFixture Pipeline => fixture ?? throw new InvalidOperationException("not initialized");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JobOptions FastRetries => new()
    {
        Lease = TimeSpan.FromSeconds(1), RetryBaseDelay = TimeSpan.FromMilliseconds(50), PollInterval = TimeSpan.FromMilliseconds(20), MaxAttempts = 3,
    };

    public async ValueTask InitializeAsync() => fixture = await PipelineFixture.CreateAsync(Engine);

    public async ValueTask DisposeAsync()
    {
        if (fixture is not null)
        {
            await fixture.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ingest_enqueues_one_fold_in_its_transaction_and_the_runner_folds()
    {
        await Pipeline.IngestAsync(Lines.Entities);
        await Pipeline.IngestAsync([Lines.Sent("s1", "x1", "2026-03-02T10:00:00Z")]);
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM analytics_jobs WHERE job_type = 'fold' AND status = 'queued'"));

        var summary = await new JobRunner(Pipeline.Database, JobHandlers.All(Pipeline.Database, Pipeline.Aggregator), FastRetries).RunUntilIdleAsync(Ct);

        Assert.Equal(new JobRunSummary(1, 0, 0), summary);
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT sent FROM campaign_analytics"));
    }

    [Fact]
    public async Task the_one_enqueue_path_deduplicates_as_asked_and_sets_the_attempt_limit()
    {
        var queue = new JobQueue(Pipeline.Database, new JobOptions { MaxAttempts = 7 });

        Assert.True(await queue.EnqueueAsync(JobTypes.Maintenance, null, deduplication: JobDeduplication.WhileQueuedOrRunning, cancellationToken: Ct));
        Assert.False(await queue.EnqueueAsync(JobTypes.Maintenance, null, deduplication: JobDeduplication.WhileQueuedOrRunning, cancellationToken: Ct));
        var running = (await queue.ClaimAsync("worker", Ct))!;
        Assert.Equal(7, running.MaxAttempts);
        Assert.False(await queue.EnqueueAsync(JobTypes.Maintenance, null, deduplication: JobDeduplication.WhileQueuedOrRunning, cancellationToken: Ct));
        Assert.True(await queue.EnqueueAsync(JobTypes.Maintenance, null, deduplication: JobDeduplication.WhileQueued, cancellationToken: Ct)); // only a running one
        Assert.True(await queue.EnqueueAsync(JobTypes.Recompute, "t1", deduplication: JobDeduplication.WhileQueued, cancellationToken: Ct));
        Assert.True(await queue.EnqueueAsync(JobTypes.Recompute, "t2", deduplication: JobDeduplication.WhileQueued, cancellationToken: Ct)); // another tenant
        Assert.False(await queue.EnqueueAsync(JobTypes.Recompute, "t1", deduplication: JobDeduplication.WhileQueued, cancellationToken: Ct));
        Assert.True(await queue.EnqueueAsync(JobTypes.Recompute, "t1", cancellationToken: Ct)); // None: always

        Assert.Equal("maintenance:null:running:7,maintenance:null:queued:7,recompute:t1:queued:7,recompute:t2:queued:7,recompute:t1:queued:7",
            await Pipeline.ScalarAsync<string>(
                "SELECT STRING_AGG(job_type || ':' || COALESCE(tenant_id, 'null') || ':' || status || ':' || CAST(max_attempts AS TEXT), ',' ORDER BY id) FROM analytics_jobs"));
    }

    [Fact]
    public async Task a_billing_cycle_change_enqueues_one_recompute_of_that_tenant_beside_the_fold()
    {
        await Pipeline.IngestAsync([.. Lines.Entities, Lines.Sent("s1", "x1", "2026-03-02T10:00:00Z")]);
        await Pipeline.FoldAsync();
        await Pipeline.ExecuteAsync("DELETE FROM analytics_jobs");

        await Pipeline.IngestAsync(["""{"type":"tenant","id":"t1","billing_cycle_day":15}"""]);

        Assert.Equal("fold:null,recompute:t1", await Pipeline.ScalarAsync<string>(
            "SELECT STRING_AGG(job_type || ':' || COALESCE(tenant_id, 'null'), ',' ORDER BY job_type) FROM analytics_jobs WHERE status = 'queued'"));
    }

    [Fact]
    public async Task a_job_held_by_a_dead_process_of_this_host_is_taken_over_at_once()
    {
        await Pipeline.IngestAsync([.. Lines.Entities, Lines.Sent("s1", "x1", "2026-03-02T10:00:00Z")]);
        await Pipeline.ExecuteAsync("INSERT INTO analytics_jobs (job_type, tenant_id) VALUES ('recompute', 't1'), ('recompute', 't1')");
        var queue = new JobQueue(Pipeline.Database, new JobOptions { Lease = TimeSpan.FromHours(1) });
        // A process that ran and exited: its pid is free now (and reused only after the kernel wraps around).
        using var gone = System.Diagnostics.Process.Start("true");
        await gone.WaitForExitAsync(Ct);
        var dead = $"{Environment.MachineName}:{gone.Id}:nonce";
        var alive = $"{Environment.MachineName}:1:nonce"; // init: always there
        var elsewhere = $"another-host:{gone.Id}:nonce";
        var first = (await queue.ClaimAsync(dead, Ct))!;
        var second = (await queue.ClaimAsync(alive, Ct))!;
        var third = (await queue.ClaimAsync(elsewhere, Ct))!;

        Assert.Equal(1, await queue.ExpireOrphanedLeasesAsync(Ct));
        Assert.Equal(0, await queue.ExpireOrphanedLeasesAsync(Ct));
        var takenOver = await queue.ClaimAsync(JobQueue.NewOwner(), Ct);

        Assert.Equal(first.Id, takenOver?.Id);
        Assert.Equal(2, takenOver!.Attempt);
        // A live process's lease, and another host's (whose processes cannot be seen), run their course.
        Assert.Equal($"{alive},{elsewhere}", await Pipeline.ScalarAsync<string>(
            $"SELECT string_agg(lease_owner, ',' ORDER BY id) FROM analytics_jobs WHERE id IN ({second.Id}, {third.Id}) AND status = 'running'"));
    }

    [Fact]
    public async Task a_job_whose_worker_died_is_taken_over_when_its_lease_expires()
    {
        await Pipeline.IngestAsync([.. Lines.Entities, Lines.Sent("s1", "x1", "2026-03-02T10:00:00Z")]);
        var queue = new JobQueue(Pipeline.Database, FastRetries);
        var claimed = await queue.ClaimAsync("worker-that-dies", Ct);
        Assert.NotNull(claimed);
        Assert.Null(await queue.ClaimAsync("another-worker", Ct)); // leased: nobody else takes it

        await Task.Delay(TimeSpan.FromSeconds(1.2), Ct);
        var summary = await new JobRunner(Pipeline.Database, JobHandlers.All(Pipeline.Database, Pipeline.Aggregator), FastRetries, owner: "survivor").RunUntilIdleAsync(Ct);

        Assert.Equal(1, summary.Succeeded);
        Assert.Equal("succeeded|2", await Pipeline.ScalarAsync<string>(
            $"SELECT status || '|' || CAST(attempts AS TEXT) FROM analytics_jobs WHERE id = {claimed.Id}"));
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT sent FROM campaign_analytics"));
        // The dead worker, should it wake up, can no longer fail (or finish) what it lost.
        Assert.False(await queue.FailAsync(claimed, "worker-that-dies", "woke up late", Ct));
        Assert.Equal("succeeded|", await Pipeline.ScalarAsync<string>(
            $"SELECT status || '|' || COALESCE(last_error, '') FROM analytics_jobs WHERE id = {claimed.Id}"));
    }

    [Fact]
    public async Task a_stopping_worker_releases_its_job_at_once_without_using_an_attempt()
    {
        await Pipeline.IngestAsync([.. Lines.Entities, Lines.Sent("s1", "x1", "2026-03-02T10:00:00Z")]);
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync(); // the worker is asked to stop as it starts the job
        var runner = new JobRunner(Pipeline.Database, JobHandlers.All(Pipeline.Database, Pipeline.Aggregator), FastRetries, owner: "stopping");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunClaimedAsync(runner, stop.Token));

        Assert.Equal("queued|0|", await Pipeline.ScalarAsync<string>("SELECT status || '|' || CAST(attempts AS TEXT) || '|' || COALESCE(lease_owner, '') FROM analytics_jobs"));
        Assert.Equal(1, (await new JobRunner(Pipeline.Database, JobHandlers.All(Pipeline.Database, Pipeline.Aggregator), FastRetries).RunUntilIdleAsync(Ct)).Succeeded);
    }

    // Claims with a live token (so the job is taken), then runs it under the stopping one.
    private async Task RunClaimedAsync(JobRunner runner, CancellationToken stopping)
    {
        var queue = new JobQueue(Pipeline.Database, FastRetries);
        var job = await queue.ClaimAsync("stopping", Ct);
        Assert.NotNull(job);
        await runner.RunClaimedAsync(job, stopping);
    }

    [Fact]
    public async Task a_job_that_always_fails_backs_off_then_is_dead_lettered_with_a_system_event()
    {
        var queue = new JobQueue(Pipeline.Database, FastRetries);
        await queue.EnqueueAsync(JobTypes.DailyAggregate, "ghost", """{"date":"2026-03-02","tenant_id":"ghost"}""", cancellationToken: Ct);

        var summary = await new JobRunner(Pipeline.Database, JobHandlers.All(Pipeline.Database, Pipeline.Aggregator), FastRetries).RunUntilIdleAsync(Ct);

        Assert.Equal(new JobRunSummary(0, 2, 1), summary);
        Assert.Equal("dead|3", await Pipeline.ScalarAsync<string>("SELECT status || '|' || CAST(attempts AS TEXT) FROM analytics_jobs"));
        Assert.Contains("No tenant 'ghost'", await Pipeline.ScalarAsync<string>("SELECT last_error FROM analytics_jobs"), StringComparison.Ordinal);
        var alert = await Pipeline.ScalarAsync<string>("SELECT severity || '|' || tenant_id || '|' || message FROM admin_system_events WHERE event_type = 'job_dead_lettered'");
        Assert.StartsWith("error|ghost|job ", alert, StringComparison.Ordinal);
        Assert.Contains("failed 3 times", alert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task parallel_workers_run_each_job_exactly_once()
    {
        await Pipeline.IngestAsync([.. Lines.Entities, Lines.Sent("s1", "x1", "2026-03-02T10:00:00Z")]);
        var queue = new JobQueue(Pipeline.Database, FastRetries);
        for (var day = 1; day <= 12; day++)
        {
            await queue.EnqueueAsync(JobTypes.DailyAggregate, "t1", $$"""{"date":"2026-03-{{day:00}}","tenant_id":"t1"}""", cancellationToken: Ct);
        }
        await queue.EnqueueAsync(JobTypes.CampaignAggregate, "t1", """{"date":"2026-03-02","campaign_id":"k1"}""", cancellationToken: Ct);
        await queue.EnqueueAsync(JobTypes.BillingCalculate, "t1", """{"tenant_id":"t1","period_start":"2026-03-01T00:00:00Z","period_end":"2026-04-01T00:00:00Z"}""", cancellationToken: Ct);
        await queue.EnqueueAsync(JobTypes.Maintenance, null, """{"retention_days":3650}""", cancellationToken: Ct);

        var runners = Enumerable.Range(0, 4).Select(i => new JobRunner(Pipeline.Database, JobHandlers.All(Pipeline.Database, Pipeline.Aggregator), FastRetries, owner: $"w{i}").RunUntilIdleAsync(Ct));
        var summaries = await Task.WhenAll(runners);

        Assert.Equal(16, summaries.Sum(s => s.Succeeded)); // 12 + 1 + 1 + maintenance + the ingest's fold
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM admin_system_events WHERE event_type = 'maintenance'"));
        Assert.Equal(0, summaries.Sum(s => s.Retried + s.Dead));
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM analytics_jobs WHERE attempts <> 1 OR status <> 'succeeded'"));
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT sent FROM campaign_analytics"));
    }
}

public sealed class DuckDbJobQueueTests : JobQueueConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.DuckDb;
}

public sealed class PostgresJobQueueTests : JobQueueConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.Postgres;
}
