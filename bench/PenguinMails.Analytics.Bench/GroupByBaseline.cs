using System.Diagnostics;
using System.Globalization;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Bench;

/// <summary>
/// The hand-written GROUP BYs (<c>Sql/group_by_baseline.sql</c>) on the database the pipeline
/// just built: how long they take, and whether they give the product's numbers (every table's
/// counters summed, and its rows), so that the ratio compares equal work.
/// </summary>
internal static class GroupByBaseline
{
    private const string Counters = "SUM(sent), SUM(delivered), SUM(opened_tracked), SUM(replied), SUM(bounced)";

    // Each product table against its hand-written twin: the sums compared, and whether the row counts must match
    // (warmup rows also exist for days with only a health snapshot).
    private static readonly (string Product, string Hand, string Sums, bool SameRows)[] Pairs =
    [
        ("daily_campaign_stats", "hand_daily_campaign_stats", Counters, true),
        ("daily_step_stats", "hand_daily_step_stats", Counters, true),
        ("daily_mailbox_stats", "hand_daily_mailbox_stats", Counters, true),
        ("daily_tenant_stats", "hand_daily_tenant_stats", Counters, true),
        ("campaign_analytics", "hand_campaign_analytics", Counters, true),
        ("sequence_step_analytics", "hand_sequence_step_analytics", Counters, true),
        ("mailbox_analytics", "hand_mailbox_analytics", Counters, true),
        ("lead_analytics", "hand_lead_analytics", Counters, true),
        ("warmup_analytics", "hand_warmup_analytics", Counters, false),
        ("billing_analytics", "hand_billing_analytics", "SUM(emails_sent), SUM(campaigns_used), SUM(mailboxes_used), SUM(domains_used), SUM(leads_used), SUM(warmups_active)", true),
    ];

    /// <summary>Runs the baseline; returns its time and the tables whose numbers differ from the product's (none when equal).</summary>
    public static async Task<(TimeSpan Elapsed, IReadOnlyList<string> Differences)> RunAsync(AnalyticsDatabase database)
    {
        var script = await BaselineSql.ReadAsync("group_by_baseline.sql");
        // The temporary tables live in this connection's session (PostgreSQL), so it runs and checks on one.
        await using var connection = await database.OpenCrossTenantConnectionAsync();
        var watch = Stopwatch.StartNew();
        await connection.RunScriptAsync(SqlScripts.Split(script), CancellationToken.None);
        watch.Stop();

        var differences = new List<string>();
        foreach (var (product, hand, sums, sameRows) in Pairs)
        {
            var rows = sameRows ? "COUNT(*), " : "";
            var ours = await RowAsync(connection, $"SELECT {rows}{sums} FROM {product}");
            var theirs = await RowAsync(connection, $"SELECT {rows}{sums.Replace("opened_tracked", "opened", StringComparison.Ordinal)} FROM {hand}");
            if (ours != theirs)
            {
                differences.Add($"{product} ({ours}) vs {hand} ({theirs})");
            }
        }
        return (watch.Elapsed, differences);
    }

    private static async Task<string> RowAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return string.Join(' ', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.IsDBNull(i) ? 0 : reader.GetValue(i), CultureInfo.InvariantCulture)));
    }
}
