using System.Data.Common;
using System.Globalization;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Pipeline;

/// <summary>
/// Every analytics table read back as sorted text rows: keys (billing periods as tenant@start),
/// then the counters, so that two states of a database, or a database and the reference, compare
/// row for row. <see cref="CountersOnly"/> has the shape of <see cref="ReferenceModel.Expected"/>;
/// <see cref="Full"/> adds every attribute (status, health, progress, campaign status).
/// </summary>
public static class AnalyticsSnapshot
{
    private const string WarmupCounters = "sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints";
    private const string Counters = WarmupCounters + ", opened_human, clicked_human, replied_human, replied_auto, replied_positive";
    private const string Leads = "leads_contacted, leads_replied, leads_positive";
    private const string Period = "b.tenant_id || '@' || CAST(penguin_utc_day(b.period_start) AS TEXT)";

    private static readonly (string Table, string CountersSql, string AttributesSql)[] Queries =
    [
        ("daily_campaign_stats", $"SELECT campaign_id, CAST(day AS TEXT), {Counters} FROM daily_campaign_stats", ""),
        ("daily_step_stats", $"SELECT step_id, CAST(day AS TEXT), {Counters} FROM daily_step_stats", ""),
        ("daily_mailbox_stats", $"SELECT mailbox_id, CAST(day AS TEXT), {Counters} FROM daily_mailbox_stats", ""),
        ("daily_tenant_stats", $"SELECT tenant_id, CAST(day AS TEXT), {Counters} FROM daily_tenant_stats", ""),
        ("campaign_analytics", $"SELECT campaign_id, {Period}, status, {Counters}, {Leads} FROM campaign_analytics t JOIN billing_analytics b ON b.id = t.billing_id",
            ", completed_leads"),
        ("sequence_step_analytics", $"SELECT step_id, {Period}, {Counters}, {Leads} FROM sequence_step_analytics t JOIN billing_analytics b ON b.id = t.billing_id", ""),
        ("mailbox_analytics", $"SELECT mailbox_id, {Period}, {Counters} FROM mailbox_analytics t JOIN billing_analytics b ON b.id = t.billing_id",
            ", warmup_status, health_score, current_volume, campaign_status"),
        ("lead_analytics", $"SELECT lead_id, campaign_id, {Period}, status, {Counters} FROM lead_analytics t JOIN billing_analytics b ON b.id = t.billing_id", ""),
        ("warmup_analytics", $"SELECT mailbox_id, CAST(snapshot_date AS TEXT), {WarmupCounters} FROM warmup_analytics t", ", health_score, progress_percentage"),
        ("billing_analytics", $"SELECT {Period}, emails_sent, mailboxes_used, domains_used, campaigns_used, leads_used, warmups_active FROM billing_analytics b",
            ", CAST(period_end AS TEXT)"),
    ];

    public static Task<Dictionary<string, List<string>>> CountersOnly(AnalyticsDatabase database) => ReadAsync(database, attributes: false);

    public static Task<Dictionary<string, List<string>>> Full(AnalyticsDatabase database) => ReadAsync(database, attributes: true);

    private static async Task<Dictionary<string, List<string>>> ReadAsync(AnalyticsDatabase database, bool attributes)
    {
        var result = new Dictionary<string, List<string>>();
        await using var connection = await database.OpenCrossTenantConnectionAsync(TestContext.Current.CancellationToken);
        foreach (var (table, countersSql, attributesSql) in Queries)
        {
            var sql = attributes && attributesSql.Length > 0
                ? countersSql.Replace(" FROM ", $"{attributesSql} FROM ", StringComparison.Ordinal)
                : countersSql;
            // Billing rows only exist where there is traffic or a snapshot; drop empty ones the
            // reference cannot know about (none should exist, but the comparison says so if they do).
            result[table] = await RowsAsync(connection, sql);
        }
        return result;
    }

    private static async Task<List<string>> RowsAsync(DbConnection connection, string sql)
    {
        var rows = new List<string>();
        await using var command = connection.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var values = new string[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
            }
            rows.Add(string.Join('|', values));
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>Asserts two snapshots equal, table by table, naming the first differing rows.</summary>
    public static void AssertEqual(Dictionary<string, List<string>> expected, Dictionary<string, List<string>> actual, string what)
    {
        foreach (var table in expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
        {
            var e = expected.GetValueOrDefault(table) ?? [];
            var a = actual.GetValueOrDefault(table) ?? [];
            if (e.SequenceEqual(a))
            {
                continue;
            }
            var missing = e.Except(a).Take(3);
            var extra = a.Except(e).Take(3);
            Assert.Fail($"{what}: {table} differs ({e.Count} expected rows, {a.Count} actual).\n"
                + $"  expected but missing: {string.Join("; ", missing)}\n  present but not expected: {string.Join("; ", extra)}");
        }
    }
}
