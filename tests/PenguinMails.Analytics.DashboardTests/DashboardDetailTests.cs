using System.Globalization;
using System.Text.Json;

namespace PenguinMails.Analytics.DashboardTests;

/// <summary>
/// The details a client notices: the chart of one day, a mistyped day in the address, the same
/// colour for a series on every page, the legend, the range preset, leads a page at a time with a
/// search, an unfinished billing period, a health score that traffic contradicts, and the
/// tenant's own deliverability alerts.
/// </summary>
public sealed class DashboardDetailTests(DemoServer server)
{
    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // The demo's first tenant's today (most tests sign in as it): the dashboard's days are its local days.
    private DateOnly Today => server.Today("t1");

    private sealed record LegendEntry(string Label, string Color, string Value);

    private static async Task<List<LegendEntry>> LegendAsync(DashboardPage dashboard, string chart = ".chart") =>
        [.. (await dashboard.Page.Locator($"{chart} .u-legend tr.u-series").EvaluateAllAsync<string[][]>(
            "rows => rows.map(r => [r.querySelector('.u-label').textContent, getComputedStyle(r.querySelector('.u-marker')).borderColor, r.querySelector('.u-value').textContent])"))
            .Select(e => new LegendEntry(e[0], e[1], e[2]))];

    private static async Task<(double Min, double Max)> XRangeAsync(DashboardPage dashboard)
    {
        var range = (await dashboard.Page.GetAttributeAsync(".chart", "data-x-range"))!.Split(',');
        return (double.Parse(range[0], CultureInfo.InvariantCulture), double.Parse(range[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task a_one_day_range_draws_one_day_and_the_legend_shows_totals()
    {
        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(server.Key("viewer", "t1"));
        var day = Today.AddDays(-3);
        await dashboard.GoAsync($"overview?from={Day(day)}&to={Day(day)}");

        Assert.Equal("ready", await dashboard.StateAsync());
        var (min, max) = await XRangeAsync(dashboard);
        var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.Equal(midnight - 43200, min);
        Assert.Equal(midnight + 43200, max);
        var legend = await LegendAsync(dashboard);
        Assert.Equal("total", legend[0].Value);
        var sent = await dashboard.KpiAsync("sent");
        Assert.Equal(sent!.Value.ToString("N0", CultureInfo.InvariantCulture), legend.Single(e => e.Label == "Sent").Value);
        Assert.DoesNotContain(legend, e => e.Value == "--");
        await dashboard.ScreenshotAsync("one-day");
    }

    [Theory]
    [InlineData("from=2026-13-01", "\"from=2026-13-01\" in the address is not a day")]
    [InlineData("from=2026-02-30", "\"from=2026-02-30\" in the address is not a day")]
    [InlineData("to=yesterday", "\"to=yesterday\" in the address is not a day")]
    public async Task a_day_that_does_not_exist_in_the_address_is_reported_and_the_default_range_shown(string query, string message)
    {
        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(server.Key("viewer", "t1"));
        await dashboard.GoAsync($"overview?{query}");

        Assert.Contains(message, await dashboard.Page.InnerTextAsync("#view .message.error"), StringComparison.Ordinal);
        Assert.Equal(Day(Today.AddDays(-29)), await dashboard.Page.InputValueAsync("#range-from"));
        Assert.Equal(Day(Today), await dashboard.Page.InputValueAsync("#range-to"));
        Assert.Equal("30", await dashboard.Page.InputValueAsync("#range-preset"));
        Assert.True(await dashboard.KpiAsync("sent") > 0, "the page still shows the default range");
    }

    [Fact]
    public async Task the_range_preset_names_the_range_it_is()
    {
        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(server.Key("viewer", "t1"));
        Assert.Equal("30", await dashboard.Page.InputValueAsync("#range-preset")); // the default range

        await dashboard.ThenRenderAsync(() => dashboard.Page.SelectOptionAsync("#range-preset", "90"));
        Assert.Equal("90", await dashboard.Page.InputValueAsync("#range-preset"));
        Assert.Equal(Day(Today.AddDays(-89)), await dashboard.Page.InputValueAsync("#range-from"));

        await dashboard.GoAsync($"overview?from={Day(Today.AddDays(-40))}&to={Day(Today.AddDays(-10))}");
        Assert.Equal("", await dashboard.Page.InputValueAsync("#range-preset")); // Custom
    }

    [Fact]
    public async Task an_error_replaces_the_loading_line()
    {
        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(server.Key("viewer", "t1"));
        await dashboard.GoAsync("campaigns/t1-nosuch");

        Assert.Equal("error", await dashboard.StateAsync());
        Assert.Contains("No campaign 't1-nosuch'", await dashboard.Page.InnerTextAsync("#view .message.error"), StringComparison.Ordinal);
        Assert.Equal(0, await dashboard.Page.Locator("#view .loading").CountAsync());
    }

    [Fact]
    public async Task a_series_has_the_same_colour_on_every_chart()
    {
        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(server.Key("viewer", "t1"));
        var range = $"from={Day(Today.AddDays(-29))}&to={Day(Today)}";
        var overview = await LegendAsync(dashboard); // signing in opens the overview of that range
        var campaign = (await server.GetJsonAsync(server.Key("viewer", "t1"), $"/v1/campaigns?from={Day(Today.AddDays(-29))}&to={Day(Today.AddDays(1))}&limit=1"))
            .GetProperty("data")[0].GetProperty("campaign_id").GetString()!;
        await dashboard.GoAsync($"campaigns/{campaign}?{range}");
        var detail = await LegendAsync(dashboard);

        Assert.Equal("rgb(21, 128, 61)", overview.Single(e => e.Label == "Replied").Color); // green, as in the funnel
        foreach (var name in new[] { "Sent", "Opened", "Replied" })
        {
            Assert.Equal(overview.Single(e => e.Label == name).Color, detail.Single(e => e.Label == name).Color);
        }
        Assert.Equal(overview.Count, overview.Select(e => e.Color).Distinct().Count());
    }

    [Fact]
    public async Task leads_come_a_page_at_a_time_with_their_addresses_and_can_be_searched()
    {
        var key = server.Key("viewer", "t1");
        var from = Day(Today.AddDays(-119));
        var campaigns = await server.GetJsonAsync(key, $"/v1/campaigns?from={from}&to={Day(Today.AddDays(1))}&limit=1");
        var campaign = campaigns.GetProperty("data")[0].GetProperty("campaign_id").GetString()!;
        var api = await server.GetJsonAsync(key, $"/v1/leads?campaign_id={campaign}&from={from}&to={Day(Today.AddDays(1))}&limit=100");
        var expected = api.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("lead_id").GetString()!).ToList();
        Assert.True(expected.Count > 50, "the campaign has more than one page of leads");

        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(key);
        await dashboard.GoAsync($"leads?from={from}&to={Day(Today)}&campaign={campaign}");
        async Task<string[]> RowsAsync() => await dashboard.Page.Locator("table[data-testid=leads] tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.row)");

        Assert.Equal(expected.Take(50), await RowsAsync());
        Assert.Equal("Leads 1–50, most engaged first.", await dashboard.Page.InnerTextAsync("[data-testid=lead-range]"));
        Assert.Contains("@", await dashboard.Page.InnerTextAsync("table[data-testid=leads] tbody tr:first-child td[data-key=lead_address]"), StringComparison.Ordinal);
        Assert.True(await dashboard.Page.IsDisabledAsync("[data-testid=previous]"));
        await dashboard.ThenRenderAsync(() => dashboard.Page.ClickAsync("[data-testid=next]"));
        Assert.Equal(expected.Skip(50).Take(50), await RowsAsync());
        Assert.Contains("page=2", dashboard.Page.Url, StringComparison.Ordinal);
        await dashboard.ScreenshotAsync("leads-page-2");

        // Search by a part of one lead's address: exactly the leads whose id or address holds it.
        var address = api.GetProperty("data")[3].GetProperty("lead_address").GetString()!;
        var part = address[..address.IndexOf('@', StringComparison.Ordinal)];
        var matching = await server.GetJsonAsync(key, $"/v1/leads?campaign_id={campaign}&from={from}&to={Day(Today.AddDays(1))}&search={Uri.EscapeDataString(part)}&limit=50");
        await dashboard.Page.FillAsync("#lead-search", part);
        await dashboard.ThenRenderAsync(() => dashboard.Page.ClickAsync("form.filters button[type=submit]"));
        var found = await RowsAsync();
        Assert.Equal(matching.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("lead_id").GetString()!), found);
        Assert.Contains(expected[3], found);
        Assert.All(matching.GetProperty("data").EnumerateArray(), r => Assert.Contains(part, r.GetProperty("lead_address").GetString()!, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("page=", dashboard.Page.Url, StringComparison.Ordinal); // a new search starts at page 1
    }

    [Fact]
    public async Task the_running_billing_period_is_marked_to_date_and_compared_at_its_pace()
    {
        var key = server.Key("viewer", "t1");
        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(key);
        await dashboard.GoAsync($"usage?from={Day(Today.AddDays(-364))}&to={Day(Today)}");

        var usage = await server.GetJsonAsync(key, $"/v1/usage?from={Day(Today.AddDays(-364))}&to={Day(Today.AddDays(1))}");
        var now = DateTime.UtcNow;
        var running = usage.GetProperty("data").EnumerateArray().Single(r => r.GetProperty("period_end").GetDateTime().ToUniversalTime() > now);
        var start = running.GetProperty("period_start").GetDateTime().ToUniversalTime();
        var end = running.GetProperty("period_end").GetDateTime().ToUniversalTime();
        Assert.Equal(1, await dashboard.Page.Locator("[data-to-date]").CountAsync());
        if ((now - start).TotalDays >= 1 && running.GetProperty("prev_month_emails").ValueKind == JsonValueKind.Number)
        {
            var pace = running.GetProperty("emails_sent").GetDouble() / (now - start).TotalDays * (end - start).TotalDays
                / running.GetProperty("prev_month_emails").GetDouble() - 1;
            var shown = double.Parse((await dashboard.Page.GetAttributeAsync("[data-to-date]", "data-pace"))!, CultureInfo.InvariantCulture);
            Assert.Equal(Math.Round(100 * pace, 2), shown, 0.05); // the page's clock is a moment later than ours
            Assert.StartsWith("on pace for", await dashboard.Page.InnerTextAsync("[data-to-date]"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task a_good_health_score_beside_bad_traffic_shows_the_disagreement()
    {
        // Which mailboxes disagree depends on the demo's traffic up to this moment (it is generated
        // until now): the first tenant and 30-day window, back from today, where some do.
        static double Number(JsonElement row, string name) => row.GetProperty(name).ValueKind == JsonValueKind.Number ? row.GetProperty(name).GetDouble() : double.NaN;
        var (key, range, disagreeing) = ("", "", new List<string>());
        foreach (var (tenant, back) in from t in new[] { "t1", "t2", "t3", "t4" } from b in Enumerable.Range(0, 30) select (t, b))
        {
            var last = Today.AddDays(-back);
            key = server.Key("viewer", tenant);
            range = $"from={Day(last.AddDays(-29))}&to={Day(last)}"; // the page's range includes its last day
            var boxes = (await server.GetJsonAsync(key, $"/v1/mailboxes?from={Day(last.AddDays(-29))}&to={Day(last.AddDays(1))}&limit=1000")).GetProperty("data").EnumerateArray().ToList();
            disagreeing = boxes.Where(b => Number(b, "health_score") >= 80 && (Number(b, "bounce_rate") >= 5 || Number(b, "complaint_rate") >= 0.3))
                .Select(b => b.GetProperty("mailbox_id").GetString()!).Order().ToList();
            if (disagreeing.Count > 0)
            {
                break;
            }
        }
        Assert.NotEmpty(disagreeing);

        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(key);
        await dashboard.GoAsync($"mailboxes?{range}");

        var flagged = (await dashboard.Page.Locator("table[data-testid=mailboxes] tbody tr:has([data-disagree])").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.row)")).Order().ToList();
        Assert.Equal(disagreeing, flagged);
        Assert.Contains("complaints", await dashboard.Page.GetAttributeAsync("[data-disagree]", "title") ?? "", StringComparison.Ordinal);
        await dashboard.ScreenshotAsync("mailboxes-disagreement");
    }

    [Fact]
    public async Task a_tenant_sees_its_own_deliverability_alerts_on_the_overview()
    {
        var key = server.Key("viewer", "t1");
        var alerts = (await server.GetJsonAsync(key, $"/v1/alerts?from={Day(Today.AddDays(-29))}&to={Day(Today.AddDays(1))}&limit=20"))
            .GetProperty("data").EnumerateArray().Where(a => a.GetProperty("resolved").ValueKind == JsonValueKind.Null).ToList();
        Assert.NotEmpty(alerts);
        Assert.All(alerts, a => Assert.Equal("t1", a.GetProperty("tenant_id").GetString()));

        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(key);

        var shown = await dashboard.Page.Locator("[data-testid=alerts] li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.alert)");
        Assert.Equal(alerts.Select(a => a.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture)), shown);
        Assert.Contains(alerts[0].GetProperty("message").GetString()!, await dashboard.Page.InnerTextAsync("[data-testid=alerts]"), StringComparison.Ordinal);
    }
}
