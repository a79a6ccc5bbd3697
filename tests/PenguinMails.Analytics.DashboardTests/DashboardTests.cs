using System.Globalization;
using System.Text.Json;

namespace PenguinMails.Analytics.DashboardTests;

/// <summary>
/// The dashboard in a real headless Chromium against a real <c>serve --demo</c>: what people see
/// equals what the API says, follows the date range, and never shows another tenant.
/// Screenshots of every page land in TestResults/dashboard.
/// </summary>
public sealed class DashboardTests(DemoServer server)
{
    private static readonly string[] OtherTenantMarks = ["t2-", "t3-", "t4-", "Globex", "Initech", "Umbrella"];

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // The demo's first tenant's today (most tests sign in as it): the dashboard's days are its local days.
    private DateOnly Today => server.Today("t1");

    [Fact]
    public async Task the_overview_shows_the_apis_numbers_and_follows_the_date_range()
    {
        var key = server.Key("viewer", "t1");
        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(key);
        Assert.Equal("ready", await dashboard.StateAsync());
        Assert.Contains("Acme Outreach", await dashboard.Page.InnerTextAsync("#who"), StringComparison.Ordinal);
        Assert.StartsWith("Data as of", await dashboard.Page.InnerTextAsync("#as-of"), StringComparison.Ordinal);
        await dashboard.ScreenshotAsync("overview");

        // The default range is the last 30 days, today included (the API's to is exclusive).
        await AssertOverviewEqualsApiAsync(dashboard, key, Today.AddDays(-29), Today.AddDays(1));
        var lastMonth = await dashboard.KpiAsync("sent");

        await dashboard.Page.FillAsync("#range-from", Day(Today.AddDays(-89)));
        await dashboard.Page.FillAsync("#range-to", Day(Today.AddDays(-60)));
        await dashboard.ThenRenderAsync(() => dashboard.Page.ClickAsync("#range button[type=submit]"));
        Assert.Contains($"from={Day(Today.AddDays(-89))}", dashboard.Page.Url, StringComparison.Ordinal);
        await AssertOverviewEqualsApiAsync(dashboard, key, Today.AddDays(-89), Today.AddDays(-59));
        Assert.NotEqual(lastMonth, await dashboard.KpiAsync("sent"));
        await dashboard.ScreenshotAsync("overview-earlier-range");

        // A range with no traffic says so instead of drawing nothing.
        await dashboard.GoAsync("overview?from=2020-01-01&to=2020-01-31");
        Assert.Equal(0, await dashboard.KpiAsync("sent"));
        Assert.Contains("No emails were sent in this date range.", await dashboard.Page.InnerTextAsync("#view"), StringComparison.Ordinal);
    }

    private async Task AssertOverviewEqualsApiAsync(DashboardPage dashboard, string key, DateOnly from, DateOnly to)
    {
        // Independent of the page's own source (the tenant's daily series): the campaign dashboard.
        var campaigns = await server.GetJsonAsync(key, $"/v1/campaigns?from={Day(from)}&to={Day(to)}&limit=1000");
        var rows = campaigns.GetProperty("data").EnumerateArray().ToList();
        long Sum(string column) => rows.Sum(r => r.GetProperty(column).GetInt64());
        // As the page rounds (overview.js: Math.round(10000 * part / whole) / 100, halves up, like
        // SQL's ROUND); Math.Round's default rounds halves to even, and 9 of 160 is 5.625 exactly.
        double? Rate(long part, long whole) => whole == 0 ? null : Math.Round(10000.0 * part / whole, MidpointRounding.AwayFromZero) / 100;
        Assert.True(Sum("sent") > 0, "the demo has traffic in the range");
        Assert.Equal(Sum("sent"), await dashboard.KpiAsync("sent"));
        Assert.Equal(Rate(Sum("delivered"), Sum("sent")), await dashboard.KpiAsync("delivery_rate"));
        Assert.Equal(Rate(Sum("opened_tracked"), Sum("delivered")), await dashboard.KpiAsync("open_rate"));
        Assert.Equal(Rate(Sum("clicked_tracked"), Sum("delivered")), await dashboard.KpiAsync("click_rate"));
        Assert.Equal(Rate(Sum("replied"), Sum("delivered")), await dashboard.KpiAsync("reply_rate"));
        Assert.Equal(Rate(Sum("bounced"), Sum("sent")), await dashboard.KpiAsync("bounce_rate"));
        Assert.Equal(Rate(Sum("spam_complaints"), Sum("sent")), await dashboard.KpiAsync("complaint_rate"));
        Assert.Equal(Rate(Sum("opened_human"), Sum("delivered")), await dashboard.KpiAsync("human_open_rate"));
        Assert.Equal(Rate(Sum("replied_human"), Sum("delivered")), await dashboard.KpiAsync("human_reply_rate"));
        Assert.Equal(Rate(Sum("replied_positive"), Sum("delivered")), await dashboard.KpiAsync("positive_reply_rate"));
        Assert.Equal(Sum("leads_contacted"), await dashboard.KpiAsync("leads_contacted"));
        Assert.Equal(Rate(Sum("leads_replied"), Sum("leads_contacted")), await dashboard.KpiAsync("lead_reply_rate"));
    }

    [Fact]
    public async Task people_machines_and_the_best_send_times_show_the_apis_numbers_on_the_overview_and_a_campaign()
    {
        var key = server.Key("viewer", "t1");
        var (from, to) = (Today.AddDays(-89), Today.AddDays(1));
        var range = $"from={Day(from)}&to={Day(to)}";
        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(key);
        await dashboard.GoAsync($"overview?from={Day(from)}&to={Day(Today)}");

        var campaigns = (await server.GetJsonAsync(key, $"/v1/campaigns?{range}&limit=1000")).GetProperty("data").EnumerateArray().ToList();
        await AssertPeopleAndMachinesAsync(dashboard, campaigns);
        await AssertSendTimesAsync(dashboard, await server.GetJsonAsync(key, $"/v1/send-times?{range}"), "America/New_York");
        await dashboard.ScreenshotAsync("overview-people-and-send-times");

        var busiest = campaigns.OrderByDescending(c => c.GetProperty("sent").GetInt64()).First();
        var campaign = busiest.GetProperty("campaign_id").GetString()!;
        await dashboard.GoAsync($"campaigns/{Uri.EscapeDataString(campaign)}?from={Day(from)}&to={Day(Today)}");
        await AssertPeopleAndMachinesAsync(dashboard, [busiest]);
        await AssertSendTimesAsync(dashboard, await server.GetJsonAsync(key, $"/v1/send-times?campaign_id={Uri.EscapeDataString(campaign)}&{range}"), "America/New_York");
        Assert.Equal(busiest.GetProperty("positive_reply_rate").GetDouble(), await dashboard.KpiAsync("positive_reply_rate"));
        Assert.Equal(busiest.GetProperty("leads_contacted").GetInt64(), await dashboard.KpiAsync("leads_contacted"));
        await dashboard.ScreenshotAsync("campaign-people-and-send-times");
    }

    private static async Task AssertPeopleAndMachinesAsync(DashboardPage dashboard, List<System.Text.Json.JsonElement> campaigns)
    {
        long Sum(string column) => campaigns.Sum(r => r.GetProperty(column).GetInt64());
        foreach (var (split, people, other) in new[]
        {
            ("opens", Sum("opened_human"), Sum("opened_tracked") - Sum("opened_human")),
            ("clicks", Sum("clicked_human"), Sum("clicked_tracked") - Sum("clicked_human")),
            ("replies", Sum("replied_human"), Sum("replied_auto")),
        })
        {
            var row = dashboard.Page.Locator($"[data-testid=people-and-machines] [data-split={split}]");
            Assert.Equal((people, other), (long.Parse((await row.GetAttributeAsync("data-people"))!, CultureInfo.InvariantCulture),
                long.Parse((await row.GetAttributeAsync("data-other"))!, CultureInfo.InvariantCulture)));
        }
        Assert.True(Sum("opened_tracked") > Sum("opened_human") && Sum("opened_human") > 0, "the demo has machine and human opens");
    }

    // Every cell the API has is in the heatmap with its counts; cells with enough emails show the
    // API's human reply rate, the others are greyed out; the rest of the week is empty.
    private static async Task AssertSendTimesAsync(DashboardPage dashboard, System.Text.Json.JsonElement api, string zone)
    {
        var cells = api.GetProperty("data").EnumerateArray().ToList();
        var shown = await dashboard.Page.Locator("[data-testid=send-times] td").EvaluateAllAsync<string[][]>(
            "cells => cells.map(c => [c.dataset.weekday, c.dataset.hour, c.dataset.sent, c.dataset.rate, c.classList.contains('sparse') ? 'sparse' : ''])");
        Assert.Equal(7 * 24, shown.Length);
        var byCell = shown.ToDictionary(c => (int.Parse(c[0], CultureInfo.InvariantCulture), int.Parse(c[1], CultureInfo.InvariantCulture)));
        var dense = 0;
        foreach (var cell in cells)
        {
            var (weekday, hour) = (cell.GetProperty("weekday").GetInt32(), cell.GetProperty("hour").GetInt32());
            var html = byCell[(weekday, hour)];
            Assert.Equal(cell.GetProperty("sent").GetInt64().ToString(CultureInfo.InvariantCulture), html[2]);
            if (cell.GetProperty("delivered").GetInt64() >= 20)
            {
                dense++;
                Assert.Equal("", html[4]);
                Assert.Equal(cell.GetProperty("human_reply_rate").GetDouble(), double.Parse(html[3], CultureInfo.InvariantCulture));
            }
            else
            {
                Assert.Equal("sparse", html[4]);
            }
        }
        Assert.True(dense > 0, "some hours have enough emails to compare");
        Assert.Equal(7 * 24 - cells.Count, shown.Count(c => c[2] == "0"));
        Assert.Contains($"{zone} time", await dashboard.Page.InnerTextAsync("[data-testid=send-times]"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_campaign_page_shows_its_steps_and_the_ab_verdict()
    {
        var key = server.Key("viewer", "t1");
        var (from, to) = (Today.AddDays(-119), Today.AddDays(1));
        // A campaign with an A/B tested step, found through the API.
        JsonElement steps = default;
        string? id = null;
        foreach (var row in (await server.GetJsonAsync(key, $"/v1/campaigns?from={Day(from)}&to={Day(to)}&limit=1000")).GetProperty("data").EnumerateArray())
        {
            var candidate = row.GetProperty("campaign_id").GetString()!;
            steps = await server.GetJsonAsync(key, $"/v1/campaigns/{candidate}/steps?from={Day(from)}&to={Day(to)}");
            if (steps.GetProperty("comparisons").GetArrayLength() > 0)
            {
                id = candidate;
                break;
            }
        }
        Assert.NotNull(id);

        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(key);
        await dashboard.GoAsync($"campaigns?from={Day(from)}&to={Day(to.AddDays(-1))}");
        await dashboard.ScreenshotAsync("campaigns");
        // Sorting by sent puts the biggest campaign first.
        await dashboard.Page.ClickAsync("table[data-testid=campaigns] th[data-key=sent]");
        var sentCells = await dashboard.Page.Locator("table[data-testid=campaigns] td[data-key=sent]").AllInnerTextsAsync();
        var sent = sentCells.Select(c => long.Parse(c, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(sent.OrderByDescending(s => s), sent);

        await dashboard.ThenRenderAsync(() => dashboard.Page.ClickAsync($"table[data-testid=campaigns] tr[data-row='{id}'] a"));
        Assert.Equal("ready", await dashboard.StateAsync());
        Assert.Equal(steps.GetProperty("data").GetArrayLength(), await dashboard.Page.Locator("table[data-testid=steps] tbody tr").CountAsync());
        var verdicts = await dashboard.Page.Locator("table[data-testid=comparisons] [data-verdict]").AllInnerTextsAsync();
        Assert.Equal(steps.GetProperty("comparisons").EnumerateArray().Select(c => c.GetProperty("verdict").GetString()), verdicts);
        var stepNumbers = steps.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("step_number").GetInt32()).Distinct().Count();
        Assert.Equal(stepNumbers, await dashboard.Page.Locator("[data-testid=funnel] .row").CountAsync());
        // The first step's open rate and interval as the API computed them.
        var first = steps.GetProperty("data")[0];
        var cell = await dashboard.Page.Locator("table[data-testid=steps] tbody tr").First.Locator("td[data-key=open_rate]").InnerTextAsync();
        Assert.Contains(first.GetProperty("open_rate").GetDouble().ToString("N2", CultureInfo.InvariantCulture), cell, StringComparison.Ordinal);
        Assert.Contains(first.GetProperty("open_rate_ci_low").GetDouble().ToString("N2", CultureInfo.InvariantCulture), cell, StringComparison.Ordinal);
        await dashboard.ScreenshotAsync("campaign");
    }

    [Fact]
    public async Task a_viewer_of_one_tenant_never_sees_another_tenant_nor_the_admin_pages()
    {
        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(server.Key("viewer", "t1"));
        var range = $"from={Day(Today.AddDays(-119))}&to={Day(Today)}";
        Assert.Equal(0, await dashboard.Page.Locator("#nav a[data-page=admin]").CountAsync());
        // ?tenant= is the admin's picker: for anybody else it changes nothing.
        foreach (var route in new[] { "overview", "campaigns", "mailboxes", "leads", "usage" })
        {
            await dashboard.GoAsync($"{route}?{range}&tenant=t2");
            Assert.Equal("ready", await dashboard.StateAsync());
            var html = await dashboard.Page.InnerHTMLAsync("#view");
            // The page does show the tenant's own data (ids where it shows ids).
            Assert.True(await dashboard.Page.Locator("#view tbody tr, #view [data-kpi]").CountAsync() > 0, $"{route} shows data");
            if (route is "campaigns" or "mailboxes" or "leads")
            {
                Assert.Contains("t1-", html, StringComparison.Ordinal);
            }
            foreach (var mark in OtherTenantMarks)
            {
                Assert.DoesNotContain(mark, html, StringComparison.Ordinal);
            }
            await dashboard.ScreenshotAsync($"viewer-{route}");
        }

        // Another tenant's campaign by its address: not found, as if it did not exist.
        await dashboard.GoAsync($"campaigns/t2-c1-k1?{range}");
        Assert.Equal("error", await dashboard.StateAsync());
        Assert.Contains("No campaign 't2-c1-k1'", await dashboard.Page.InnerTextAsync("#view .message.error"), StringComparison.Ordinal);
        Assert.Equal(0, await dashboard.Page.Locator("[data-kpi]").CountAsync());

        await dashboard.GoAsync($"admin?{range}");
        Assert.Contains("platform admin role", await dashboard.Page.InnerTextAsync("#view .message.error"), StringComparison.Ordinal);
        Assert.Equal(0, await dashboard.Page.Locator("table").CountAsync());
    }

    [Fact]
    public async Task the_admin_picks_tenants_and_sees_the_admin_pages()
    {
        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(server.Key("admin", "*"));
        var range = $"from={Day(Today.AddDays(-119))}&to={Day(Today)}";
        Assert.Equal(5, await dashboard.Page.Locator("#tenant option").CountAsync()); // all tenants + 4

        await dashboard.GoAsync($"campaigns?{range}");
        var tenants = (await dashboard.Page.Locator("table[data-testid=campaigns] td[data-key=tenant_id]").AllInnerTextsAsync()).Distinct().Order().ToList();
        Assert.Equal(["t1", "t2", "t3", "t4"], tenants);

        await dashboard.ThenRenderAsync(() => dashboard.Page.SelectOptionAsync("#tenant", "t2"));
        var rows = await dashboard.Page.Locator("table[data-testid=campaigns] tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.row)");
        Assert.NotEmpty(rows);
        Assert.All(rows, id => Assert.StartsWith("t2-", id, StringComparison.Ordinal));
        var expected = await server.GetJsonAsync(server.Key("viewer", "t2"), $"/v1/campaigns?{range.Replace(Day(Today), Day(Today.AddDays(1)), StringComparison.Ordinal)}&limit=1000");
        Assert.Equal(expected.GetProperty("data").GetArrayLength(), rows.Length);

        foreach (var tab in new[] { "events", "audit", "activity" })
        {
            await dashboard.GoAsync($"admin?{range}&tab={tab}");
            Assert.Equal("ready", await dashboard.StateAsync());
            Assert.Equal(1, await dashboard.Page.Locator("#view table, #view .message.empty").CountAsync());
            await dashboard.ScreenshotAsync($"admin-{tab}");
        }
    }

    [Fact]
    public async Task bad_keys_get_a_clear_message()
    {
        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync("pma_000000000000_forged");
        Assert.Equal("The API key is not valid or was revoked.", await dashboard.Page.InnerTextAsync(".signin .message"));
        await dashboard.ScreenshotAsync("sign-in-bad-key");

        await dashboard.SignInAsync("hello");
        Assert.Contains("An API key starts with pma_", await dashboard.Page.InnerTextAsync(".signin .message"), StringComparison.Ordinal);

        await dashboard.SignInAsync(server.Key("ingest", "t1"));
        Assert.Contains("cannot read analytics", await dashboard.Page.InnerTextAsync(".signin .message"), StringComparison.Ordinal);
        Assert.Equal(0, await dashboard.Page.Locator("[data-kpi]").CountAsync());
    }

    [Fact]
    public async Task the_pages_fit_a_phone_screen()
    {
        await using var dashboard = await DashboardPage.OpenAsync(server, width: 390, height: 844);
        await dashboard.SignInAsync(server.Key("tenant_admin", "t1"));
        foreach (var route in new[] { "overview", "campaigns", "mailboxes" })
        {
            await dashboard.GoAsync($"{route}?from={Day(Today.AddDays(-59))}&to={Day(Today)}");
            Assert.Equal("ready", await dashboard.StateAsync());
            // Wide tables scroll inside their frame; the page itself never scrolls sideways.
            var overflow = await dashboard.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{route} is {overflow}px wider than the phone");
            await dashboard.ScreenshotAsync($"phone-{route}");
        }
    }

    [Fact]
    public async Task an_export_is_requested_followed_and_downloaded_from_the_dashboard()
    {
        await using var dashboard = await DashboardPage.OpenAsync(server);
        await dashboard.SignInAsync(server.Key("viewer", "t1"));
        await dashboard.GoAsync($"exports?from={Day(Today.AddDays(-59))}&to={Day(Today)}");
        await dashboard.Page.SelectOptionAsync("#export-format", "csv");
        await dashboard.ThenRenderAsync(() => dashboard.Page.ClickAsync("#export-form button[type=submit]"));

        // The page refreshes itself while the job writes the file.
        var ready = dashboard.Page.Locator("table[data-testid=exports] tbody tr").First.Locator("[data-status=ready]");
        await ready.WaitForAsync(new() { Timeout = 30_000 });
        await dashboard.ScreenshotAsync("exports");
        var download = await dashboard.Page.RunAndWaitForDownloadAsync(() =>
            dashboard.Page.Locator("table[data-testid=exports] tbody tr").First.Locator("[data-action=download]").ClickAsync());
        var path = await download.PathAsync();
        var lines = await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);

        Assert.StartsWith("# PenguinMails Analytics export", lines[0], StringComparison.Ordinal);
        Assert.Contains("tenant t1", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("campaign_id,", lines[1], StringComparison.Ordinal);
        Assert.True(lines.Length > 2);
        Assert.All(lines.Skip(2), line => Assert.StartsWith("t1-", line, StringComparison.Ordinal));
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
    }
}
