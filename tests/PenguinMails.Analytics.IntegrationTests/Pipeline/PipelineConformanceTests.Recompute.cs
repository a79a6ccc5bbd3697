using PenguinMails.Analytics.Aggregation;

namespace PenguinMails.Analytics.IntegrationTests.Pipeline;

/// <summary>The recompute as a repair: it sets what differs, deletes what no email gives, and stays in its scope.</summary>
public abstract partial class PipelineConformanceTests
{
    // One campaign of tenant t1 (or t2): the rows the damage below picks.
    private static string FirstCampaign(string tenant) => $"(SELECT MIN(campaign_id) FROM daily_campaign_stats WHERE tenant_id = '{tenant}')";

    private static readonly string[] RewrittenTables =
    [
        "daily_campaign_stats", "daily_step_stats", "daily_mailbox_stats", "daily_tenant_stats", "campaign_analytics",
        "sequence_step_analytics", "lead_analytics", "mailbox_analytics", "warmup_analytics", "send_time_stats",
    ];

    [Fact]
    public async Task a_recompute_repairs_every_kind_of_damage_and_rewrites_only_the_rows_that_differ()
    {
        var lines = PipelineFixture.Workload(seed: 21, tenants: 2, emails: 400);
        Assert.Equal(0, (await Pipeline.IngestAsync(lines)).Rejected);
        await Pipeline.FoldAsync();
        var folded = await AnalyticsSnapshot.Full(Pipeline.Database);
        var sendTimes = await SendTimesAsync();
        var billingIds = await Pipeline.ScalarAsync<long>("SELECT SUM(id) FROM billing_analytics");
        var lastWrite = await Pipeline.ScalarAsync<DateTime>(
            "SELECT MAX(updated) FROM (" + string.Join(" UNION ALL ", RewrittenTables.Select(t => $"SELECT MAX(updated) AS updated FROM {t}")) + ") x");
        var damagedSendTimes = await Pipeline.ScalarAsync<long>($"SELECT COUNT(*) FROM send_time_stats WHERE campaign_id = {FirstCampaign("t1")}");
        Assert.InRange(damagedSendTimes, 2, 1_000);

        // Wrong counters and attributes, rows missing, and rows no email gives (a day without
        // traffic, a billing period from before the first email with a campaign row in it).
        await Pipeline.ExecuteAsync($"""
            UPDATE daily_campaign_stats SET sent = sent + 5
            WHERE campaign_id = {FirstCampaign("t1")} AND day = (SELECT MIN(day) FROM daily_campaign_stats WHERE campaign_id = {FirstCampaign("t1")})
            """);
        await Pipeline.ExecuteAsync("UPDATE lead_analytics SET status = 'bogus', opened_human = opened_human + 9 WHERE id = (SELECT MIN(id) FROM lead_analytics)");
        await Pipeline.ExecuteAsync("UPDATE mailbox_analytics SET last_campaign_id = 'nothing' WHERE id = (SELECT MIN(id) FROM mailbox_analytics)");
        await Pipeline.ExecuteAsync($"UPDATE send_time_stats SET sent = sent + 1 WHERE campaign_id = {FirstCampaign("t1")}");
        await Pipeline.ExecuteAsync("DELETE FROM sequence_step_analytics WHERE id = (SELECT MIN(id) FROM sequence_step_analytics)");
        await Pipeline.ExecuteAsync("DELETE FROM warmup_analytics WHERE id = (SELECT MIN(id) FROM warmup_analytics)");
        await Pipeline.ExecuteAsync("""
            INSERT INTO daily_mailbox_stats (mailbox_id, company_id, tenant_id, day, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints, opened_human, clicked_human, replied_human, replied_auto, replied_positive)
            SELECT mailbox_id, company_id, tenant_id, DATE '2025-01-03', 7, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
            FROM daily_mailbox_stats WHERE mailbox_id = (SELECT MIN(mailbox_id) FROM daily_mailbox_stats WHERE tenant_id = 't1') AND day = (SELECT MIN(day) FROM daily_mailbox_stats)
            """);
        await Pipeline.ExecuteAsync("""
            INSERT INTO billing_analytics (tenant_id, subscription_id, period_start, period_end)
            SELECT id, subscription_id, TIMESTAMPTZ '2025-01-01 00:00:00+00', TIMESTAMPTZ '2025-02-01 00:00:00+00' FROM tenants WHERE id = 't1'
            """);
        await Pipeline.ExecuteAsync($"""
            INSERT INTO campaign_analytics (campaign_id, company_id, billing_id, sent, status)
            SELECT c.id, c.company_id, (SELECT id FROM billing_analytics WHERE tenant_id = 't1' AND period_start = TIMESTAMPTZ '2025-01-01 00:00:00+00'), 3, c.status
            FROM campaigns c WHERE c.id = {FirstCampaign("t1")}
            """);
        Assert.NotEqual(sendTimes, await SendTimesAsync());

        await Pipeline.RecomputeAsync(RecomputeScope.All);

        AnalyticsSnapshot.AssertEqual(folded, await AnalyticsSnapshot.Full(Pipeline.Database), "recompute of a damaged database vs the fold");
        Assert.Equal(sendTimes, await SendTimesAsync());
        Assert.Equal(billingIds, await Pipeline.ScalarAsync<long>("SELECT SUM(id) FROM billing_analytics")); // periods keep their ids
        // Written: the damaged rows and the missing ones, nothing else.
        var rewritten = new Dictionary<string, long>();
        foreach (var table in RewrittenTables)
        {
            rewritten[table] = await Pipeline.ScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE updated > $1", lastWrite);
        }
        Assert.Equal(new Dictionary<string, long>
        {
            ["daily_campaign_stats"] = 1, ["daily_step_stats"] = 0, ["daily_mailbox_stats"] = 0, ["daily_tenant_stats"] = 0,
            ["campaign_analytics"] = 0, ["sequence_step_analytics"] = 1, ["lead_analytics"] = 1, ["mailbox_analytics"] = 1,
            ["warmup_analytics"] = 1, ["send_time_stats"] = damagedSendTimes,
        }, rewritten);

        // A tenant's recompute repairs that tenant and leaves the other's rows as they are, wrong ones too.
        var (t1Times, t2Times) = (await SendTimesAsync(FirstCampaign("t1")), await SendTimesAsync(FirstCampaign("t2")));
        await Pipeline.ExecuteAsync($"UPDATE send_time_stats SET sent = sent + 1 WHERE campaign_id IN ({FirstCampaign("t1")}, {FirstCampaign("t2")})");
        await Pipeline.ExecuteAsync("""
            INSERT INTO daily_tenant_stats (tenant_id, day, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints, opened_human, clicked_human, replied_human, replied_auto, replied_positive)
            SELECT id, DATE '2025-01-03', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM tenants WHERE id IN ('t1', 't2')
            """);
        await Pipeline.RecomputeAsync(new RecomputeScope("t1", null, null));
        Assert.Equal(t1Times, await SendTimesAsync(FirstCampaign("t1")));
        Assert.NotEqual(t2Times, await SendTimesAsync(FirstCampaign("t2")));
        Assert.Equal(["t2"], await TenantsWithStrayDayAsync());
        await Pipeline.RecomputeAsync(new RecomputeScope("t2", null, null));
        Assert.Empty(await TenantsWithStrayDayAsync());
        Assert.Equal(sendTimes, await SendTimesAsync());
        AnalyticsSnapshot.AssertEqual(folded, await AnalyticsSnapshot.Full(Pipeline.Database), "after both tenants' recomputes vs the fold");
    }

    // send_time_stats is not in AnalyticsSnapshot: its rows (of one campaign, or all) as one text, in key order.
    private Task<string?> SendTimesAsync(string campaign = "campaign_id") => Pipeline.ScalarAsync<string>($"""
        SELECT string_agg(campaign_id || '|' || CAST(billing_id AS TEXT) || '|' || CAST(weekday AS TEXT) || '|' || CAST(hour AS TEXT) || '|' || CAST(sent AS TEXT)
                          || '|' || CAST(delivered AS TEXT) || '|' || CAST(replied_human AS TEXT) || '|' || CAST(replied_positive AS TEXT), ',' ORDER BY campaign_id, billing_id, weekday, hour)
        FROM send_time_stats WHERE campaign_id = {campaign}
        """);

    private async Task<string[]> TenantsWithStrayDayAsync() =>
        ((await Pipeline.ScalarAsync<string>("SELECT string_agg(tenant_id, ',' ORDER BY tenant_id) FROM daily_tenant_stats WHERE day = DATE '2025-01-03'")) ?? "")
        .Split(',', StringSplitOptions.RemoveEmptyEntries);
}
