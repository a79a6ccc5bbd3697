using PenguinMails.Analytics.IntegrationTests.Infrastructure;
using PenguinMails.Analytics.IntegrationTests.Pipeline;
using PenguinMails.Analytics.Maintenance;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Maintenance;

/// <summary>Maintenance on both engines: archiving moves and never loses, the summary is refreshed, an event is written.</summary>
public abstract class MaintenanceConformanceTests : IAsyncLifetime
{
    private static readonly string[] CounterTables = ["campaign_analytics", "lead_analytics", "daily_campaign_stats", "daily_tenant_stats"];

    private PipelineFixture? fixture;

    protected abstract StorageEngine Engine { get; }

    private PipelineFixture Pipeline => fixture!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
    public async Task rows_past_retention_move_to_the_archives_with_every_number_kept()
    {
        // The workload spans 2026-04-22 .. 2026-06-01; "today" is 2026-07-01 and retention 50 days: cutoff 2026-05-12.
        Assert.Equal(0, (await Pipeline.IngestAsync(PipelineFixture.Workload(51, tenants: 2, emails: 1_500, days: 40))).Rejected);
        await Pipeline.FoldAsync();
        var before = await TotalsAsync();
        var oldEmails = await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM emails WHERE sent_at < TIMESTAMPTZ '2026-05-12 00:00:00+00'");
        var oldDays = await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM daily_campaign_stats WHERE day < DATE '2026-05-12'");
        Assert.True(oldEmails > 0 && oldDays > 0, "the workload reaches back past the cutoff");
        var maintainer = new Maintainer(Pipeline.Database, new FixedTime(new DateTimeOffset(2026, 7, 1, 8, 0, 0, TimeSpan.Zero)));
        var options = new MaintenanceOptions { Retention = TimeSpan.FromDays(50) };

        var result = await maintainer.RunAsync(options, Ct);

        Assert.Equal(new DateTime(2026, 5, 12, 0, 0, 0, DateTimeKind.Utc), result.Cutoff);
        Assert.Equal((oldEmails, oldDays), (result.Archived["emails"], result.Archived["daily_campaign_stats"]));
        Assert.Equal(before, await TotalsAsync()); // table + archive: nothing lost, nothing doubled
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM emails WHERE sent_at < TIMESTAMPTZ '2026-05-12 00:00:00+00'"));
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM emails_archive WHERE sent_at >= TIMESTAMPTZ '2026-05-12 00:00:00+00'"));
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM billing_analytics WHERE period_end <= TIMESTAMPTZ '2026-05-12 00:00:00+00'"));
        Assert.Equal(await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM campaign_analytics"), result.SummaryRows);
        Assert.Equal(await Pipeline.ScalarAsync<long>("SELECT SUM(sent) FROM campaign_analytics"), await Pipeline.ScalarAsync<long>("SELECT SUM(sent) FROM campaign_performance_summary"));
        Assert.Contains("archived", await Pipeline.ScalarAsync<string>("SELECT message FROM admin_system_events WHERE event_type = 'maintenance'"), StringComparison.Ordinal);

        var again = await maintainer.RunAsync(options, Ct);
        Assert.Equal(0, again.Archived.Values.Sum());
        Assert.Equal(before, await TotalsAsync());
        if (Engine == StorageEngine.Postgres)
        {
            Assert.True(await Pipeline.ScalarAsync<bool>(
                $"SELECT to_regclass('emails_{DateTime.UtcNow.AddMonths(3):yyyy_MM}') IS NOT NULL AND to_regclass('billing_analytics_{DateTime.UtcNow.AddMonths(3):yyyy_MM}') IS NOT NULL"));
            // The extended statistics exist and ANALYZE filled their ndistinct estimates (pg_stats_ext
            // hides them from an owner under row-level security: asked as the superuser).
            await using var superuser = new Npgsql.NpgsqlConnection(TestPostgres.AsSuperuser(Pipeline.TestDatabase!.ConnectionString));
            await superuser.OpenAsync(Ct);
            Assert.Equal(4L, await superuser.ScalarAsync<long>(
                "SELECT COUNT(*) FROM pg_stats_ext WHERE statistics_name LIKE '%_keys_stats' AND n_distinct IS NOT NULL AND dependencies IS NOT NULL", Ct));
        }
    }

    [Fact]
    public async Task dashboard_reads_go_on_while_the_summary_is_refreshed()
    {
        Assert.Equal(0, (await Pipeline.IngestAsync(PipelineFixture.Workload(53, tenants: 2, emails: 600, days: 20))).Rejected);
        await Pipeline.FoldAsync();
        await new Maintainer(Pipeline.Database).RunAsync(new MaintenanceOptions(), Ct);
        var rows = await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM campaign_performance_summary");
        Assert.Equal(await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM campaign_analytics"), rows); // one summary row per campaign and period

        // The maintainer's own refresh, held open in its transaction (with a change to pick up)...
        await using var refresher = await Pipeline.Database.OpenCrossTenantConnectionAsync(Ct);
        await using var transaction = await refresher.BeginTransactionAsync(Ct);
        await refresher.ExecuteAsync("UPDATE campaign_analytics SET sent = sent + 1", Ct);
        await refresher.RunScriptAsync(Pipeline.Database.Sql.Statements("Maintenance/Sql", "refresh.sql"), Ct);

        // ...does not stop a reader (a plain REFRESH would block it until the commit): it sees the
        // summary as it was, at once.
        await using var reader = await Pipeline.Database.OpenCrossTenantConnectionAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        Assert.Equal(rows, await reader.ScalarAsync<long>("SELECT COUNT(*) FROM campaign_performance_summary", timeout.Token));
        var sentBefore = await reader.ScalarAsync<long>("SELECT SUM(sent) FROM campaign_performance_summary", timeout.Token);

        await transaction.CommitAsync(Ct);
        Assert.Equal(sentBefore + rows, await reader.ScalarAsync<long>("SELECT SUM(sent) FROM campaign_performance_summary", Ct));
    }

    private async Task<string> TotalsAsync()
    {
        var totals = new List<string> { $"emails={await Pipeline.ScalarAsync<long>("SELECT (SELECT COUNT(*) FROM emails) + (SELECT COUNT(*) FROM emails_archive)")}" };
        foreach (var table in CounterTables)
        {
            totals.Add($"{table}={await Pipeline.ScalarAsync<long>($"SELECT COALESCE((SELECT SUM(sent) FROM {table}), 0) + COALESCE((SELECT SUM(sent) FROM {table}_archive), 0)")}");
        }
        totals.Add($"billing={await Pipeline.ScalarAsync<long>("SELECT COALESCE((SELECT SUM(emails_sent) FROM billing_analytics), 0) + COALESCE((SELECT SUM(emails_sent) FROM billing_analytics_archive), 0)")}");
        return string.Join(", ", totals);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

public sealed class DuckDbMaintenanceTests : MaintenanceConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.DuckDb;
}

public sealed class PostgresMaintenanceTests : MaintenanceConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.Postgres;
}
