using System.Globalization;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Compliance;
using PenguinMails.Analytics.IntegrationTests.Pipeline;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Compliance;

/// <summary>
/// GDPR anonymization on both engines: every number kept, no original identifier left in any text
/// column of any table, the guide's audit row, idempotent; and the erasure of one lead.
/// </summary>
public abstract class AnonymizationConformanceTests : IAsyncLifetime
{
    private static readonly PseudonymKey Key = new([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);

    // table, id column, kind of id, numbers kept per id
    private static readonly (string Table, string Column, string Kind, string Numbers)[] Counted =
    [
        ("daily_campaign_stats", "campaign_id", "campaign", "SUM(sent), SUM(delivered), SUM(opened_tracked), SUM(replied), SUM(bounced)"),
        ("campaign_analytics", "campaign_id", "campaign", "SUM(sent), SUM(delivered), SUM(opened_tracked), SUM(replied), SUM(bounced)"),
        ("sequence_step_analytics", "step_id", "step", "SUM(sent), SUM(opened_tracked), SUM(replied)"),
        ("daily_step_stats", "step_id", "step", "SUM(sent), SUM(replied)"),
        ("lead_analytics", "lead_id", "lead", "SUM(sent), SUM(opened_tracked), SUM(replied), SUM(bounced)"),
        ("mailbox_analytics", "mailbox_id", "mailbox", "SUM(sent), SUM(bounced), SUM(spam_complaints)"),
        ("daily_mailbox_stats", "mailbox_id", "mailbox", "SUM(sent), SUM(delivered), SUM(bounced)"),
        ("warmup_analytics", "mailbox_id", "mailbox", "SUM(sent), SUM(delivered)"),
        ("billing_analytics", "tenant_id", "tenant", "SUM(emails_sent)"),
        ("daily_tenant_stats", "tenant_id", "tenant", "SUM(sent), SUM(replied)"),
        ("send_time_stats", "campaign_id", "campaign", "SUM(sent), SUM(delivered), SUM(replied_human)"),
    ];

    private PipelineFixture? fixture;

    protected abstract StorageEngine Engine { get; }

    private PipelineFixture Pipeline => fixture!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        fixture = await PipelineFixture.CreateAsync(Engine);
        Assert.Equal(0, (await Pipeline.IngestAsync(PipelineFixture.Workload(61, tenants: 2, emails: 800, days: 30))).Rejected);
        await Pipeline.FoldAsync();
        // Audit and operations rows that name the tenant, its ids, an ip and a user agent.
        await Pipeline.ExecuteAsync(
            "INSERT INTO analytics_access_audit (user_id, tenant_id, query_type, table_accessed, filters_applied, ip_address, user_agent, success) VALUES "
            + "('k1', 't1', 'dashboard', 'daily_campaign_stats', CAST($1 AS JSON), '10.9.8.7', 'secret-agent/1.0', TRUE), "
            + "('kadmin', 't2', 'dashboard', 'daily_campaign_stats', CAST($2 AS JSON), '10.9.8.6', 'admin-agent', TRUE)",
            """{"campaign_id":"t1-c1-k1"}""", """{"tenant_id":"t1"}""");
        await Pipeline.ExecuteAsync(
            "INSERT INTO admin_system_events (event_type, severity, message, details, tenant_id, ip_address) VALUES "
            + "('deliverability_alert', 'warning', 'mailbox t1-c1-m1: bounce rate 9.00% is over 5.00%', CAST($1 AS JSON), 't1', '10.9.8.7')",
            """{"entity_id":"t1-c1-m1"}""");
        await using var connection = await Pipeline.Database.OpenCrossTenantConnectionAsync(Ct);
        await AdminAuditLog.WriteAsync(Pipeline.Database, connection, new AdminAction(new AdminActor("key:ops", "10.9.8.7", "secret-agent/1.0"),
            "api_key.create", "api_key", "k1", "t1", NewValues: new { tenant_id = "t1", name = "t1 reporting" }), Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (fixture is not null)
        {
            await fixture.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task a_tenant_is_anonymized_everywhere_with_every_number_kept()
    {
        var before = await CountedAsync();
        var t2Rows = await TenantRowsAsync("t2");
        var originals = await OriginalsAsync();
        Assert.True(originals.Count > 100, "the tenant has ids, emails and events to replace");

        var result = await new Anonymizer(Pipeline.Database, Key).AnonymizeAsync("t1", null, AdminActor.CommandLine, Ct);

        Assert.Equal(AnonymizationOutcome.Anonymized, result.Outcome);
        Assert.Equal(Key.Pseudonym("tenant", "t1"), result.Pseudonym);
        Assert.True(result.RowsChanged > originals.Count);
        // Every number is where it was, under the id's pseudonym (computed here with .NET's HMAC).
        var expected = before.ToDictionary(
            e => e.Key.Id.StartsWith("t1", StringComparison.Ordinal) ? (e.Key.Table, Key.Pseudonym(KindOf(e.Key.Table), e.Key.Id)) : e.Key, e => e.Value);
        var after = await CountedAsync();
        Assert.Equal(expected.OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value}"), after.OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value}"));
        Assert.Equal(t2Rows, await TenantRowsAsync("t2")); // the other tenant is untouched

        // No original identifier, name, address, ip or user agent left in any text column of any table.
        Assert.Empty(await FindAnywhereAsync(originals));

        Assert.Equal($"{AdminActor.CommandLine.UserId}|tenant|{result.Pseudonym}|{result.Pseudonym}|Analytics data anonymized for GDPR compliance|gdpr", await Pipeline.ScalarAsync<string>(
            "SELECT admin_user_id || '|' || resource_type || '|' || resource_id || '|' || tenant_id || '|' || notes || '|' || array_to_string(compliance_flags, ',') "
            + "FROM admin_audit_logs WHERE action = 'anonymize_analytics'"));

        // Again: nothing left to do, nothing changed, no second audit row.
        var snapshot = await CountedAsync();
        var again = await new Anonymizer(Pipeline.Database, Key).AnonymizeAsync("t1", null, AdminActor.CommandLine, Ct);
        Assert.Equal((AnonymizationOutcome.AlreadyAnonymized, 0L), (again.Outcome, again.RowsChanged));
        Assert.Equal(snapshot, await CountedAsync());
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM admin_audit_logs WHERE action = 'anonymize_analytics'"));
        await Assert.ThrowsAsync<AnalyticsException>(() => new Anonymizer(Pipeline.Database, Key).AnonymizeAsync("t9", null, AdminActor.CommandLine, Ct));
    }

    [Fact]
    public async Task erasing_one_lead_pseudonymises_it_and_keeps_its_counts()
    {
        var lead = await Pipeline.ScalarAsync<string>(
            "SELECT la.lead_id FROM lead_analytics la JOIN leads l ON l.id = la.lead_id JOIN companies c ON c.id = l.company_id WHERE c.tenant_id = 't2' GROUP BY la.lead_id ORDER BY SUM(la.sent) DESC, la.lead_id LIMIT 1");
        var before = await CountedAsync();

        var result = await new Anonymizer(Pipeline.Database, Key).AnonymizeAsync("t2", lead, AdminActor.CommandLine, Ct);

        Assert.Equal(Key.Pseudonym("lead", lead!), result.Pseudonym);
        var expected = before.ToDictionary(e => e.Key == ("lead_analytics", lead) ? ("lead_analytics", result.Pseudonym) : e.Key, e => e.Value);
        Assert.Equal(expected.OrderBy(e => e.Key), (await CountedAsync()).OrderBy(e => e.Key));
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM leads WHERE id = $1", lead));
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM leads WHERE id = $1 AND address IS NULL", result.Pseudonym));
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM lead_analytics WHERE lead_id = $1", lead));
        Assert.Equal("t2", await Pipeline.ScalarAsync<string>("SELECT tenant_id FROM admin_audit_logs WHERE action = 'erase_lead' AND resource_id = $1", result.Pseudonym));
        Assert.Equal(AnonymizationOutcome.AlreadyAnonymized, (await new Anonymizer(Pipeline.Database, Key).AnonymizeAsync("t2", lead, AdminActor.CommandLine, Ct)).Outcome);
    }

    private static string KindOf(string table) => Counted.First(c => c.Table == table).Kind;

    private async Task<Dictionary<(string Table, string Id), string>> CountedAsync()
    {
        var numbers = new Dictionary<(string, string), string>();
        await using var connection = await Pipeline.Database.OpenCrossTenantConnectionAsync(Ct);
        foreach (var (table, column, _, sums) in Counted)
        {
            await using var command = connection.CreateCommand($"SELECT {column}, {sums} FROM {table} GROUP BY {column}");
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                numbers[(table, reader.GetString(0))] = string.Join(",", Enumerable.Range(1, reader.FieldCount - 1)
                    .Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)));
            }
        }
        return numbers;
    }

    private async Task<string> TenantRowsAsync(string tenant) => string.Join(";", (await CountedAsync())
        .Where(e => e.Key.Id.StartsWith(tenant, StringComparison.Ordinal)).OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value}"));

    /// <summary>Every identifier, name, address, ip and user agent of tenant t1 as stored now.</summary>
    private async Task<HashSet<string>> OriginalsAsync()
    {
        string[] queries =
        [
            "SELECT id FROM tenants WHERE id = 't1' UNION ALL SELECT name FROM tenants WHERE id = 't1'",
            "SELECT id FROM companies WHERE tenant_id = 't1'",
            "SELECT k.id FROM campaigns k JOIN companies c ON c.id = k.company_id WHERE c.tenant_id = 't1'",
            "SELECT s.id FROM sequence_steps s JOIN companies c ON c.id = s.company_id WHERE c.tenant_id = 't1'",
            "SELECT m.id FROM mailboxes m JOIN companies c ON c.id = m.company_id WHERE c.tenant_id = 't1' UNION ALL SELECT m.address FROM mailboxes m JOIN companies c ON c.id = m.company_id WHERE c.tenant_id = 't1' AND m.address IS NOT NULL UNION ALL SELECT m.domain FROM mailboxes m JOIN companies c ON c.id = m.company_id WHERE c.tenant_id = 't1' AND m.domain IS NOT NULL",
            "SELECT l.id FROM leads l JOIN companies c ON c.id = l.company_id WHERE c.tenant_id = 't1' UNION ALL SELECT l.address FROM leads l JOIN companies c ON c.id = l.company_id WHERE c.tenant_id = 't1' AND l.address IS NOT NULL",
            "SELECT e.email_id FROM emails e JOIN tenants t ON t.tenant_key = e.tenant_key WHERE t.id = 't1'",
            "SELECT h.event_id FROM mailbox_health_snapshots h JOIN companies c ON c.id = h.company_id WHERE c.tenant_id = 't1'",
        ];
        var values = new HashSet<string>(StringComparer.Ordinal) { "10.9.8.7", "secret-agent/1.0" };
        await using var connection = await Pipeline.Database.OpenCrossTenantConnectionAsync(Ct);
        foreach (var sql in queries)
        {
            await using var command = connection.CreateCommand(sql);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                values.Add(reader.GetString(0));
            }
        }
        return values;
    }

    /// <summary>"table.column: value" for every stored text equal to an original, or quoting one, or naming the tenant's id prefix.</summary>
    private async Task<List<string>> FindAnywhereAsync(HashSet<string> originals)
    {
        await using var connection = await Pipeline.Database.OpenCrossTenantConnectionAsync(Ct);
        await connection.ExecuteAsync("DROP TABLE IF EXISTS search_originals", Ct);
        await connection.ExecuteAsync("CREATE TEMP TABLE search_originals (v TEXT)", Ct);
        foreach (var chunk in originals.Chunk(500))
        {
            await connection.ExecuteAsync("INSERT INTO search_originals VALUES " + string.Join(", ", chunk.Select((_, i) => $"(${i + 1})")), Ct, [.. chunk]);
        }
        var columns = new List<(string Table, string Column)>();
        await using (var command = connection.CreateCommand(
            """
            SELECT c.table_name, c.column_name, c.data_type
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE t.table_type = 'BASE TABLE' AND c.table_schema = current_schema() AND c.table_catalog = current_database()
            """))
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                var type = reader.GetString(2).ToUpperInvariant();
                if (type is "TEXT" or "VARCHAR" or "CHARACTER VARYING" or "JSON" or "JSONB" or "ARRAY" || type.StartsWith("VARCHAR", StringComparison.Ordinal))
                {
                    columns.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
        }
        Assert.True(columns.Count > 100, $"searched {columns.Count} text columns");
        var found = new List<string>();
        foreach (var (table, column) in columns)
        {
            var text = $"CAST({column} AS TEXT)";
            var hit = await connection.ScalarAsync<string>(
                $"SELECT MIN({text}) FROM {table} WHERE {column} IS NOT NULL AND ({text} IN (SELECT v FROM search_originals) OR strpos({text}, 't1-') > 0 "
                + $"OR EXISTS (SELECT 1 FROM search_originals o WHERE strpos({text}, '\"' || o.v || '\"') > 0))", Ct);
            if (hit is not null)
            {
                found.Add($"{table}.{column}: {hit}");
            }
        }
        return found;
    }
}

public sealed class DuckDbAnonymizationTests : AnonymizationConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.DuckDb;
}

public sealed class PostgresAnonymizationTests : AnonymizationConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.Postgres;
}
