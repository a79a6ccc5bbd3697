using System.Text;
using System.Text.Json;
using PenguinMails.Analytics.Generation;

namespace PenguinMails.Analytics.Tests.Generation;

public sealed class WorkloadGeneratorTests
{
    private static async Task<(string Text, WorkloadGenerator.Summary Summary)> GenerateAsync(int seed)
    {
        using var stream = new MemoryStream();
        var summary = await new WorkloadGenerator(new WorkloadOptions { Seed = seed, Tenants = 2, Emails = 3_000, Days = 20, End = new DateOnly(2026, 5, 1) })
            .WriteAsync(stream, TestContext.Current.CancellationToken);
        return (Encoding.UTF8.GetString(stream.ToArray()), summary);
    }

    [Fact]
    public async Task the_same_seed_writes_the_same_bytes_and_another_seed_does_not()
    {
        var (a, _) = await GenerateAsync(1);
        var (b, _) = await GenerateAsync(1);
        var (c, _) = await GenerateAsync(2);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public async Task the_workload_has_the_asked_volume_and_the_untidiness_of_real_producers()
    {
        var (text, summary) = await GenerateAsync(3);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var types = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()).ToList();

        Assert.Equal(summary.Lines, lines.Length);
        Assert.Equal(3_000, summary.CampaignEmails);
        Assert.Equal(3_000 + summary.WarmupEmails, types.Count(t => t == "email.sent"));
        Assert.InRange(summary.WarmupEmails, 1, 600);
        foreach (var type in new[] { "email.delivered", "email.opened", "email.clicked", "email.replied", "email.bounced", "email.unsubscribed", "mailbox.health", "sequence_step" })
        {
            Assert.Contains(type, types);
        }
        var eventIds = lines.Where(l => l.Contains("\"event_id\"", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event_id").GetString()).ToList();
        Assert.True(eventIds.Count > eventIds.Distinct().Count(), "some events are repeated, as a producer retry would");
        var firstSeen = new Dictionary<string, string>();
        foreach (var line in lines.Where(l => l.Contains("\"email_id\"", StringComparison.Ordinal)))
        {
            var root = JsonDocument.Parse(line).RootElement;
            firstSeen.TryAdd(root.GetProperty("email_id").GetString()!, root.GetProperty("type").GetString()!);
        }
        Assert.Contains(firstSeen.Values, t => t != "email.sent"); // some events come before their email.sent
    }

    private static async Task<List<JsonElement>> LinesAsync(WorkloadOptions options)
    {
        using var stream = new MemoryStream();
        await new WorkloadGenerator(options).WriteAsync(stream, TestContext.Current.CancellationToken);
        return [.. Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
    }

    private static string Text(JsonElement line, string name) => line.GetProperty(name).GetString()!;

    [Fact]
    public async Task tenants_clients_campaigns_and_senders_have_names_people_recognise()
    {
        var lines = await LinesAsync(new WorkloadOptions { Seed = 4, Tenants = 2, Emails = 20_000, EmailsPerCampaign = 1_000, Days = 30, End = new DateOnly(2026, 5, 1) });

        var tenants = lines.Where(l => Text(l, "type") == "tenant").Select(l => Text(l, "name")).ToList();
        Assert.Equal(["Acme Outreach", "Globex Sales"], tenants);
        var clients = lines.Where(l => Text(l, "type") == "company").Select(l => Text(l, "name")).ToList();
        Assert.Equal(clients.Count, clients.Distinct().Count());
        Assert.Equal("Northwind Analytics", clients[0]);
        var campaigns = lines.Where(l => Text(l, "type") == "campaign" && l.TryGetProperty("name", out _)).ToList();
        Assert.All(campaigns, c => Assert.Matches(@"^[A-Z][A-Za-z -]+ · [A-Za-z0-9 -]+$", Text(c, "name")));
        foreach (var company in campaigns.GroupBy(c => Text(c, "company_id")))
        {
            Assert.Equal(company.Count(), company.Select(c => Text(c, "name")).Distinct().Count());
        }
        var firstMailbox = lines.First(l => Text(l, "type") == "mailbox");
        Assert.Equal("maya@northwindanalytics.com", Text(firstMailbox, "address"));
        Assert.Equal("northwindanalytics.com", Text(firstMailbox, "domain"));
    }

    [Fact]
    public async Task a_lead_that_replied_in_person_ends_with_status_replied()
    {
        var lines = await LinesAsync(new WorkloadOptions { Seed = 5, Tenants = 1, Emails = 5_000, Days = 30, End = new DateOnly(2026, 5, 1) });

        var leadOfEmail = lines.Where(l => Text(l, "type") == "email.sent" && l.TryGetProperty("lead_id", out _))
            .ToDictionary(l => Text(l, "email_id"), l => Text(l, "lead_id"));
        var repliedLeads = lines.Where(l => Text(l, "type") == "email.replied" && leadOfEmail.ContainsKey(Text(l, "email_id"))
                && (!l.TryGetProperty("kind", out var kind) || kind.GetString() == "human"))
            .Select(l => leadOfEmail[Text(l, "email_id")]).ToHashSet();
        var finalStatus = new Dictionary<string, string>();
        foreach (var lead in lines.Where(l => Text(l, "type") == "lead"))
        {
            finalStatus[Text(lead, "id")] = Text(lead, "status");
        }

        Assert.NotEmpty(repliedLeads);
        Assert.All(finalStatus.Where(s => s.Value == "replied"), s => Assert.Contains(s.Key, repliedLeads));
        Assert.All(repliedLeads, lead => Assert.NotEqual("active", finalStatus[lead]));
        Assert.True(finalStatus.Count(s => s.Value == "replied") >= repliedLeads.Count * 9 / 10,
            "a lead that replied shows it, unless a later sequence of theirs ended otherwise");
        Assert.Contains(finalStatus.Values, s => s == "bounced");
        Assert.All(lines.Where(l => Text(l, "type") == "lead" && l.TryGetProperty("address", out _)), l => Assert.EndsWith(".example", Text(l, "address"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task opens_and_clicks_come_from_people_and_machines_and_replies_are_automatic_or_categorized()
    {
        var lines = await LinesAsync(new WorkloadOptions { Seed = 7, Tenants = 1, Emails = 20_000, Days = 30, End = new DateOnly(2026, 5, 1) });
        var sentAt = lines.Where(l => Text(l, "type") == "email.sent" && l.TryGetProperty("campaign_id", out _))
            .ToDictionary(l => Text(l, "email_id"), l => l.GetProperty("occurred_at").GetDateTime());
        var events = lines.Select((l, index) => (Line: l, Index: index)).Where(x => x.Line.TryGetProperty("email_id", out var id) && sentAt.ContainsKey(id.GetString()!)).ToList();
        List<JsonElement> Of(string type) => [.. events.Where(x => Text(x.Line, "type") == type).Select(x => x.Line)];
        static bool? Flag(JsonElement l) => l.TryGetProperty("machine", out var m) ? m.GetBoolean() : null;
        static string Agent(JsonElement l) => l.TryGetProperty("user_agent", out var a) ? a.GetString()! : "";
        bool Quick(JsonElement l) => l.GetProperty("occurred_at").GetDateTime() < sentAt[Text(l, "email_id")].AddSeconds(60);

        var opens = Of("email.opened");
        // Each way a machine shows itself: the sender's flag, a user agent, only the timing.
        Assert.Contains(opens, l => Flag(l) == true);
        Assert.Contains(opens, l => Flag(l) is null && Agent(l).Contains("YahooMailProxy", StringComparison.Ordinal));
        Assert.Contains(opens, l => Flag(l) is null && Agent(l).Length == 0 && Quick(l));
        Assert.Contains(opens, l => Flag(l) == false);
        Assert.Contains(Of("email.clicked"), l => Agent(l).StartsWith("Barracuda", StringComparison.Ordinal) || Agent(l).StartsWith("Mimecast", StringComparison.Ordinal));
        // About a third of delivered emails get a machine's open.
        var machineOpened = opens.Where(l => Flag(l) == true || Agent(l).Contains("YahooMailProxy", StringComparison.Ordinal) || Agent(l).Contains("python", StringComparison.Ordinal)
                || Agent(l).StartsWith("Barracuda", StringComparison.Ordinal) || Agent(l).StartsWith("Mimecast", StringComparison.Ordinal) || (Flag(l) is null && Agent(l).Length == 0 && Quick(l)))
            .Select(l => Text(l, "email_id")).Distinct().Count();
        Assert.InRange(machineOpened / (double)Of("email.delivered").Count, 0.28, 0.38);

        var replies = Of("email.replied");
        Assert.Contains(replies, l => l.TryGetProperty("kind", out var k) && k.GetString() == "out_of_office");
        Assert.Contains(replies, l => l.TryGetProperty("kind", out var k) && k.GetString() == "auto");
        var categorizations = Of("email.reply_categorized");
        Assert.Equal(["interested", "meeting_booked", "not_interested", "other"], categorizations.Select(l => Text(l, "category")).Distinct().Order(StringComparer.Ordinal));
        // Some leads change their mind; some categorizations arrive before their reply.
        Assert.Contains(categorizations.GroupBy(l => Text(l, "email_id")), g => g.Select(l => Text(l, "category")).Distinct().Count() > 1);
        var firstReply = events.Where(x => Text(x.Line, "type") == "email.replied").GroupBy(x => Text(x.Line, "email_id")).ToDictionary(g => g.Key, g => g.Min(x => x.Index));
        Assert.Contains(events, x => Text(x.Line, "type") == "email.reply_categorized" && firstReply.TryGetValue(Text(x.Line, "email_id"), out var reply) && x.Index < reply);
    }

    [Fact]
    public async Task sending_grows_month_over_month_runs_up_to_the_end_and_rests_at_weekends()
    {
        var end = new DateOnly(2026, 6, 1);
        var lines = await LinesAsync(new WorkloadOptions { Seed = 6, Tenants = 2, Emails = 40_000, Days = 90, End = end });

        var sentPerDay = lines.Where(l => Text(l, "type") == "email.sent" && l.TryGetProperty("campaign_id", out _))
            .GroupBy(l => DateOnly.FromDateTime(l.GetProperty("occurred_at").GetDateTime().ToUniversalTime()))
            .ToDictionary(g => g.Key, g => g.Count());
        int Sum(int fromDaysAgo, int toDaysAgo) => Enumerable.Range(toDaysAgo, fromDaysAgo - toDaysAgo)
            .Sum(ago => sentPerDay.GetValueOrDefault(end.AddDays(-1 - ago)));

        var last30 = Sum(30, 0);
        var previous30 = Sum(60, 30);
        Assert.InRange(last30 / (double)previous30, 1.03, 1.35);
        Assert.True(Sum(3, 0) > 0 && sentPerDay.Keys.Max() == end.AddDays(-1), "campaigns run up to the last day");
        var weekend = sentPerDay.Where(d => d.Key.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday).Average(d => d.Value);
        var weekday = sentPerDay.Where(d => d.Key.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).Average(d => d.Value);
        Assert.True(weekend < weekday * 0.8, $"weekend {weekend:0} vs weekday {weekday:0} per day");
    }

    [Fact]
    public async Task nothing_happens_at_or_after_until()
    {
        var until = new DateTime(2026, 5, 1, 9, 30, 0, DateTimeKind.Utc);
        var lines = await LinesAsync(new WorkloadOptions { Seed = 7, Tenants = 1, Emails = 3_000, Days = 20, End = new DateOnly(2026, 5, 2), Until = until });

        var times = lines.Where(l => l.TryGetProperty("occurred_at", out _)).Select(l => l.GetProperty("occurred_at").GetDateTime().ToUniversalTime()).ToList();
        Assert.True(times.Max() < until, $"latest {times.Max():O}");
        Assert.Contains(times, t => t >= until.Date); // the morning of the last day has traffic
    }
}
