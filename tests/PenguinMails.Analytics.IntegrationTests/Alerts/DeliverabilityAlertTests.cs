using PenguinMails.Analytics.IntegrationTests.Pipeline;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Alerts;

/// <summary>
/// Deliverability alerts on both engines: a bounce or complaint rate that crosses its threshold
/// raises one admin_system_events alert per crossing, not one per email; falling back re-arms it.
/// </summary>
public abstract class DeliverabilityAlertTests : IAsyncLifetime
{
    private PipelineFixture? fixture;

    protected abstract StorageEngine Engine { get; }

    private PipelineFixture Pipeline => fixture!;

    public async ValueTask InitializeAsync() => fixture = await PipelineFixture.CreateAsync(Engine);

    public async ValueTask DisposeAsync()
    {
        if (fixture is not null)
        {
            await fixture.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    private static IEnumerable<string> Sends(int from, int count) =>
        Enumerable.Range(from, count).Select(i => Lines.Sent($"s{i}", $"x{i}", $"2026-03-{1 + i % 20:00}T10:00:00Z"));

    private static IEnumerable<string> Bounces(int from, int count) =>
        Enumerable.Range(from, count).Select(i => Lines.Bounce($"b{i}", $"x{i}", $"2026-03-{1 + i % 20:00}T11:00:00Z", "hard"));

    private async Task IngestAndFoldAsync(IEnumerable<string> lines)
    {
        Assert.Equal(0, (await Pipeline.IngestAsync(lines)).Rejected);
        await Pipeline.FoldAsync();
    }

    private Task<long> AlertsAsync(string entityType, string metric) => Pipeline.ScalarAsync<long>(
        "SELECT COUNT(*) FROM admin_system_events WHERE event_type = 'deliverability_alert' AND tenant_id = 't1' AND message LIKE $1",
        $"{entityType} %: {metric.Replace('_', ' ')} %");

    [Fact]
    public async Task a_bounce_rate_crossing_raises_one_alert_per_entity_and_falling_back_rearms_it()
    {
        await IngestAndFoldAsync([.. Lines.Entities, .. Sends(0, 60), .. Bounces(0, 2)]); // 3.3 %: under 5 %
        Assert.Equal((0L, 0L), (await AlertsAsync("mailbox", "bounce_rate"), await AlertsAsync("campaign", "bounce_rate")));

        await IngestAndFoldAsync(Bounces(2, 4)); // 6 of 60 = 10 %: a crossing
        Assert.Equal((1L, 1L), (await AlertsAsync("mailbox", "bounce_rate"), await AlertsAsync("campaign", "bounce_rate")));
        Assert.Equal("warning|mailbox m1: bounce rate 10.00% is over 5.00% (60 sent", await Pipeline.ScalarAsync<string>(
            "SELECT severity || '|' || SUBSTRING(message, 1, 53) FROM admin_system_events WHERE event_type = 'deliverability_alert' AND message LIKE 'mailbox%'"));

        Assert.Contains("\"entity_id\":", await Pipeline.ScalarAsync<string>(
            "SELECT REPLACE(CAST(details AS TEXT), ' ', '') FROM admin_system_events WHERE event_type = 'deliverability_alert' AND message LIKE 'mailbox%'"), StringComparison.Ordinal);

        await IngestAndFoldAsync(Bounces(6, 3)); // more bounces while over: still one alert each
        await IngestAndFoldAsync(Bounces(9, 1));
        Assert.Equal((1L, 1L), (await AlertsAsync("mailbox", "bounce_rate"), await AlertsAsync("campaign", "bounce_rate")));

        await IngestAndFoldAsync(Sends(60, 180)); // 10 of 240 = 4.2 %: back under, re-armed
        Assert.Equal((1L, 1L), (await AlertsAsync("mailbox", "bounce_rate"), await AlertsAsync("campaign", "bounce_rate")));

        await IngestAndFoldAsync(Bounces(60, 5)); // 15 of 240 = 6.25 %: a second crossing
        Assert.Equal((2L, 2L), (await AlertsAsync("mailbox", "bounce_rate"), await AlertsAsync("campaign", "bounce_rate")));
        Assert.Equal(0L, await AlertsAsync("mailbox", "complaint_rate"));
    }

    [Fact]
    public async Task a_rate_no_fold_touches_alerts_when_the_window_moves_past_its_good_days()
    {
        // t1's mailbox and campaign: 100 good sends on 1 March, 60 on 25 March with 6 bounces.
        // The 30-day window ends on 25 March: 6 of 160 = 3.75 %, under 5 %.
        await IngestAndFoldAsync([.. Lines.Entities,
            .. Enumerable.Range(0, 100).Select(i => Lines.Sent($"g{i}", $"g{i}", "2026-03-01T10:00:00Z")),
            .. Enumerable.Range(0, 60).Select(i => Lines.Sent($"s{i}", $"x{i}", "2026-03-25T10:00:00Z")),
            .. Enumerable.Range(0, 6).Select(i => Lines.Bounce($"b{i}", $"x{i}", "2026-03-25T11:00:00Z", "hard"))]);
        Assert.Equal((0L, 0L), (await AlertsAsync("mailbox", "bounce_rate"), await AlertsAsync("campaign", "bounce_rate")));

        // Another tenant sends on 5 April: the window now starts after 6 March, without t1's good
        // day. No event of t1 is in this fold, yet its rates are 6 of 60 = 10 %: both alert.
        await IngestAndFoldAsync(["""{"type":"tenant","id":"t2"}""", """{"type":"company","id":"c2","tenant_id":"t2"}""",
            """{"type":"campaign","id":"k2","company_id":"c2"}""", """{"type":"sequence_step","id":"s2","campaign_id":"k2"}""",
            """{"type":"mailbox","id":"m2","company_id":"c2"}""", """{"type":"lead","id":"l2","company_id":"c2"}""",
            """{"type":"email.sent","event_id":"t2s","email_id":"t2x","occurred_at":"2026-04-05T10:00:00Z","campaign_id":"k2","step_id":"s2","mailbox_id":"m2","lead_id":"l2"}"""]);
        Assert.Equal((1L, 1L), (await AlertsAsync("mailbox", "bounce_rate"), await AlertsAsync("campaign", "bounce_rate")));

        // A fold that moves no window and touches only t2 evaluates t1 no more: still one alert each.
        await IngestAndFoldAsync([Lines.Event("delivered", "t2d", "t2x", "2026-04-05T10:01:00Z")]);
        Assert.Equal((1L, 1L), (await AlertsAsync("mailbox", "bounce_rate"), await AlertsAsync("campaign", "bounce_rate")));
    }

    [Fact]
    public async Task complaints_need_enough_sends_before_they_alert()
    {
        // 1 complaint in 20 sends is 5 %, but 20 sends are too few to judge.
        await IngestAndFoldAsync([.. Lines.Entities, .. Sends(0, 20), Lines.Event("spam_complaint", "c0", "x0", "2026-03-02T12:00:00Z")]);
        Assert.Equal(0L, await AlertsAsync("mailbox", "complaint_rate"));

        await IngestAndFoldAsync(Sends(20, 40)); // 1 of 60 = 1.67 % with enough sends: over 0.3 %
        Assert.Equal(1L, await AlertsAsync("mailbox", "complaint_rate"));
        Assert.Equal(1L, await AlertsAsync("campaign", "complaint_rate"));
        Assert.Equal(0L, await AlertsAsync("mailbox", "bounce_rate"));
    }
}

public sealed class DuckDbDeliverabilityAlertTests : DeliverabilityAlertTests
{
    protected override StorageEngine Engine => StorageEngine.DuckDb;
}

public sealed class PostgresDeliverabilityAlertTests : DeliverabilityAlertTests
{
    protected override StorageEngine Engine => StorageEngine.Postgres;
}
