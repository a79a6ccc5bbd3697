using System.Net;
using System.Net.Sockets;
using PenguinMails.Analytics.IntegrationTests.Infrastructure;
using PenguinMails.Analytics.IntegrationTests.Pipeline;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Cli;

/// <summary>
/// What a person typing a wrong command gets: one <c>error:</c> line on stderr naming the flag
/// and the accepted values, exit 1, and nothing done (or changed) on the way there.
/// </summary>
public sealed class CommandLineErrorTests : CliSuite
{
    protected override StorageEngine Engine => StorageEngine.DuckDb;

    protected override async Task<IEnumerable<string[]>> Prepare() =>
        [["ingest", await WriteAsync("workload.ndjson", PipelineFixture.Workload(82, tenants: 2, emails: 200, days: 10))]];

    private Task<long> CountAsync(string sql) => ScalarAsync<long>(sql);

    private static void AssertOneErrorLine(CliProcess.Result run, string expected)
    {
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: {expected}", run.Stderr.TrimEnd('\n'));
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1000001")]
    public async Task a_limit_outside_one_to_a_million_is_refused_not_clamped(string limit)
    {
        var run = await CliProcess.RunAsync("report", "campaigns", "--tenant", "t1", "--limit", limit, "--db", Db);

        AssertOneErrorLine(run, $"--limit must be between 1 and 1,000,000, got {limit} (see penguin-analytics report --help)");
    }

    [Fact]
    public async Task a_bad_format_names_the_choices_not_a_dotnet_type()
    {
        var report = await CliProcess.RunAsync("report", "campaigns", "--tenant", "t1", "--format", "yaml", "--db", Db);
        var sql = await CliProcess.RunAsync("sql", "SELECT 1", "--format", "Table", "--db", Db);
        var help = await CliProcess.RunAsync("report", "--help");

        AssertOneErrorLine(report, "--format must be table, json or csv, got \"yaml\" (see penguin-analytics report --help)");
        Assert.Equal(0, sql.ExitCode); // the choices are not case-sensitive
        Assert.Contains("--format <table|json|csv>", help.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("PenguinMails.", help.Stdout + report.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task unknown_words_and_missing_commands_are_one_line()
    {
        AssertOneErrorLine(await CliProcess.RunAsync("frobnicate"), "unknown command or argument 'frobnicate' (see penguin-analytics --help)");
        AssertOneErrorLine(await CliProcess.RunAsync("keys"), "keys needs a command: create, list, revoke (see penguin-analytics keys --help)");
        AssertOneErrorLine(await CliProcess.RunAsync("report", "nosuch", "--db", Db),
            "Argument 'nosuch' not recognized. Must be one of: 'campaigns' 'steps' 'mailboxes' 'leads' 'warmup' 'usage' 'alerts' 'timeseries' 'send-times' 'tenants' 'admin-activity' 'audit-logs' 'system-events' (see penguin-analytics report --help)");
        var bare = await CliProcess.RunAsync();
        Assert.Equal(0, bare.ExitCode);
        Assert.Contains("migrate", bare.Stdout, StringComparison.Ordinal); // nothing at all shows the help
    }

    [Fact]
    public async Task a_report_without_its_filter_or_about_an_unseen_entity_is_refused_naming_the_flag()
    {
        AssertOneErrorLine(await CliProcess.RunAsync("report", "steps", "--tenant", "t1", "--db", Db), "report steps needs --campaign.");
        AssertOneErrorLine(await CliProcess.RunAsync("report", "leads", "--tenant", "t1", "--campaign", "nosuch", "--db", Db), "No campaign 'nosuch' for tenant t1.");
        AssertOneErrorLine(await CliProcess.RunAsync("report", "timeseries", "--tenant", "t1", "--entity", "planet", "--id", "x", "--db", Db),
            "entity must be one of campaign, step, mailbox, tenant");
        // A campaign of the other tenant is not seen either: existence does not leak.
        var other = await ScalarAsync<string>("SELECT MIN(c.id) FROM campaigns c JOIN companies co ON co.id = c.company_id WHERE co.tenant_id = 't2'");
        AssertOneErrorLine(await CliProcess.RunAsync("report", "leads", "--tenant", "t1", "--campaign", other!, "--db", Db), $"No campaign '{other}' for tenant t1.");
    }

    [Fact]
    public async Task a_report_or_a_key_for_an_unknown_tenant_is_refused()
    {
        const string Unknown = "No tenant 'nosuch' (known: t1, t2). A tenant exists once its tenant record is ingested: {\"type\":\"tenant\",\"id\":\"nosuch\",\"name\":\"...\"}";

        AssertOneErrorLine(await CliProcess.RunAsync("report", "campaigns", "--tenant", "nosuch", "--db", Db), Unknown);
        AssertOneErrorLine(await CliProcess.RunAsync("keys", "create", "--tenant", "nosuch", "--role", "viewer", "--db", Db), Unknown);
        AssertOneErrorLine(await CliProcess.RunAsync("keys", "create", "--role", "ingest", "--db", Db), "ingest keys belong to one tenant: add --tenant.");
        Assert.Equal(0L, await CountAsync("SELECT COUNT(*) FROM api_keys"));
    }

    [Fact]
    public async Task a_platform_admin_key_needs_no_tenant()
    {
        var run = await CliProcess.RunAsync("keys", "create", "--role", "admin", "--db", Db);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.StartsWith("pma_", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("for every tenant", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM api_keys WHERE role = 'admin' AND tenant_id = '*'"));
    }

    [Theory]
    [InlineData("--from", "2026-02-30", "--from must be a day like 2026-03-01, got \"2026-02-30\" (see penguin-analytics aggregate --help)")]
    [InlineData("--to", "2026-3-1", "--to must be a day like 2026-03-01, got \"2026-3-1\" (see penguin-analytics aggregate --help)")]
    [InlineData("--tenant", "nosuch", "No tenant 'nosuch' (known: t1, t2). A tenant exists once its tenant record is ingested: {\"type\":\"tenant\",\"id\":\"nosuch\",\"name\":\"...\"}")]
    public async Task a_bad_recompute_is_refused_before_the_queued_work_runs(string option, string value, string expected)
    {
        var pending = await CountAsync("SELECT COUNT(*) FROM pending_events");
        Assert.True(pending > 0);

        var run = await CliProcess.RunAsync("aggregate", "--recompute", option, value, "--db", Db);

        AssertOneErrorLine(run, expected);
        Assert.Equal(pending, await CountAsync("SELECT COUNT(*) FROM pending_events"));
        Assert.Equal(0L, await CountAsync("SELECT COUNT(*) FROM emails"));
    }

    [Fact]
    public async Task serve_on_a_busy_port_says_so_in_one_line_without_a_stack_trace()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var run = await CliProcess.RunAsync("serve", "--urls", $"http://127.0.0.1:{port}", "--db", Db);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: Cannot listen on http://127.0.0.1:{port}: the address is in use (another serve?). Choose another with --urls, or port 0 for any free port.",
            run.Stderr.TrimEnd('\n'));
        Assert.DoesNotContain("   at ", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Stdout, StringComparison.Ordinal);
    }
}
