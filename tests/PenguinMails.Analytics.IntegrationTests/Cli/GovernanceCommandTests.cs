using PenguinMails.Analytics.Compliance;
using PenguinMails.Analytics.Exports;
using PenguinMails.Analytics.IntegrationTests.Infrastructure;
using PenguinMails.Analytics.IntegrationTests.Pipeline;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Cli;

/// <summary>The governance commands as people run them: keys and limits audited, exports and anonymization with their keys from the environment.</summary>
public abstract class GovernanceCommandTests : CliSuite
{
    private Dictionary<string, string?> Keys => new()
    {
        [PseudonymKey.EnvironmentVariable] = Convert.ToBase64String([.. Enumerable.Repeat((byte)3, 32)]),
        [ExportCipher.EnvironmentVariable] = Convert.ToBase64String([.. Enumerable.Repeat((byte)5, 32)]),
        [ExportOptions.DirectoryVariable] = Path.Combine(Folder, "exports"),
    };

    protected override async Task<IEnumerable<string[]>> Prepare() =>
        [["ingest", await WriteAsync("workload.ndjson", PipelineFixture.Workload(81, tenants: 2, emails: 300, days: 20))], ["aggregate"]];

    [Fact]
    public async Task keys_and_limits_changed_at_the_command_line_are_audited()
    {
        var created = await CliProcess.RunAsync("keys", "create", "--tenant", "t1", "--role", "viewer", "--name", "ops", "--db", Db);
        var limit = await CliProcess.RunAsync("limits", "set", "--tenant", "t1", "--query-type", "export", "--max", "5", "--window-seconds", "3600", "--db", Db);
        var changed = await CliProcess.RunAsync("limits", "set", "--tenant", "t1", "--query-type", "export", "--max", "9", "--window-seconds", "3600", "--db", Db);

        Assert.True(created.ExitCode == 0 && limit.ExitCode == 0 && changed.ExitCode == 0, created.Stderr + limit.Stderr + changed.Stderr);
        Assert.Contains("changed from 5 to 9", changed.Stdout, StringComparison.Ordinal);
        Assert.Equal(3L, await ScalarAsync<long>("SELECT COUNT(*) FROM admin_audit_logs WHERE admin_user_id LIKE 'cli:%' AND action IN ('api_key.create', 'rate_limit.set')"));
        var list = await CliProcess.RunAsync("limits", "list", "--tenant", "t1", "--db", Db);
        Assert.Contains("3600", list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task anonymize_needs_its_key_and_runs_once()
    {
        var withoutKey = await CliProcess.RunAsync("anonymize", "--tenant", "t2", "--db", Db);
        Assert.Equal(1, withoutKey.ExitCode);
        Assert.Contains(PseudonymKey.EnvironmentVariable, withoutKey.Stderr, StringComparison.Ordinal);

        var first = await CliProcess.RunAsync(Keys, "anonymize", "--tenant", "t2", "--db", Db);
        var second = await CliProcess.RunAsync(Keys, "anonymize", "--tenant", "t2", "--db", Db);
        var missing = await CliProcess.RunAsync(Keys, "anonymize", "--tenant", "t9", "--db", Db);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Matches("tenant anonymized as anon_[0-9a-f]{24}: [0-9,]+ values replaced", first.Stdout);
        Assert.Contains("already anonymized", second.Stdout, StringComparison.Ordinal);
        Assert.Equal((1, true), (missing.ExitCode, missing.Stderr.Contains("No tenant 't9'", StringComparison.Ordinal)));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT COUNT(*) FROM tenants WHERE id = 't2'"));
    }

    [Fact]
    public async Task export_create_writes_the_file_under_the_tenants_controls()
    {
        var output = Path.Combine(Folder, "campaigns.csv");
        var withoutKey = await CliProcess.RunAsync("export", "create", "--tenant", "t1", "--report", "campaigns", "--format", "csv", "--from", "2026-01-01", "--db", Db);
        Assert.Equal(1, withoutKey.ExitCode);
        Assert.Contains(ExportCipher.EnvironmentVariable, withoutKey.Stderr, StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 32", withoutKey.Stderr, StringComparison.Ordinal); // how to make one

        var created = await CliProcess.RunAsync(Keys, "export", "create", "--tenant", "t1", "--report", "campaigns", "--format", "csv", "--from", "2026-01-01", "--out", output, "--db", Db);

        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.Contains("encrypted at rest", created.Stdout, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(output, Ct);
        Assert.StartsWith("# PenguinMails Analytics export", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("campaign_id,", lines[1], StringComparison.Ordinal);
        Assert.All(lines.Skip(2), line => Assert.StartsWith("t1-", line, StringComparison.Ordinal));
        Assert.Equal(2L, await ScalarAsync<long>("SELECT COUNT(*) FROM analytics_access_audit WHERE query_type = 'export' AND tenant_id = 't1'"));

        var bad = await CliProcess.RunAsync(Keys, "export", "create", "--tenant", "t1", "--report", "leads", "--format", "csv", "--db", Db);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("needs campaign_id", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task export_folders_and_files_are_private_whatever_the_umask()
    {
        var exports = Path.Combine(Folder, "private-exports");
        var environment = new Dictionary<string, string?>(Keys) { [ExportOptions.DirectoryVariable] = exports };

        var created = await CliProcess.RunUnderUmaskAsync(environment, "022", "export", "create", "--tenant", "t1", "--report", "campaigns", "--format", "csv", "--from", "2026-01-01", "--db", Db);

        Assert.True(created.ExitCode == 0, created.Stderr);
        const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(PrivateFolder, File.GetUnixFileMode(exports));
        var folders = Directory.GetDirectories(exports, "*", SearchOption.AllDirectories);
        Assert.Equal(["t1"], folders.Select(Path.GetFileName));
        Assert.All(folders, folder => Assert.Equal(PrivateFolder, File.GetUnixFileMode(folder)));
        var file = Assert.Single(Directory.GetFiles(exports, "*", SearchOption.AllDirectories));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }
}

public sealed class DuckDbGovernanceCommandTests : GovernanceCommandTests
{
    protected override StorageEngine Engine => StorageEngine.DuckDb;
}

public sealed class PostgresGovernanceCommandTests : GovernanceCommandTests
{
    protected override StorageEngine Engine => StorageEngine.Postgres;
}
