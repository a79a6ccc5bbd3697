using System.Globalization;
using System.Text.Json;

namespace PenguinMails.Analytics.IntegrationTests.Pipeline;

/// <summary>
/// The counting semantics of DESIGN.md computed plainly in memory from NDJSON lines, with no code
/// shared with the product: entities take the latest non-null values, one email per email.sent
/// (the first), each counter counts emails with at least one event of its kind, engagement counts
/// on the day and billing period of sent_at, warmup only in warmup_analytics. Beside them, the
/// trusted metrics (DESIGN.md, "Metrics users can trust"): an open or click is a machine's when it
/// says so, else when its user agent is a known machine's, else when it came less than 60 seconds
/// after the send; a reply is a person's unless its kind says otherwise; the latest categorization
/// (by time, then event id) decides positive, which needs a human reply; distinct leads per
/// campaign and step. Its output has the shape of <see cref="AnalyticsSnapshot"/> rows so the two
/// can be compared row for row.
/// </summary>
public sealed class ReferenceModel
{
    private readonly Dictionary<string, int> cycleDay = [];
    private readonly Dictionary<string, TimeZoneInfo> timeZone = [];
    private readonly Dictionary<string, string> companyTenant = [];
    private readonly Dictionary<string, string> campaignCompany = [];
    private readonly Dictionary<string, string?> campaignStatus = [];
    private readonly Dictionary<string, string> stepCampaign = [];
    private readonly Dictionary<string, string> mailboxCompany = [];
    private readonly Dictionary<string, string?> mailboxDomain = [];
    private readonly Dictionary<string, string> leadCompany = [];
    private readonly Dictionary<string, string?> leadStatus = [];
    private readonly HashSet<string> eventIds = [];
    private readonly Dictionary<string, Email> emails = [];
    private readonly Dictionary<string, Dictionary<string, DateTime>> events = [];
    private readonly List<(string Mailbox, DateTime At)> snapshots = [];
    private readonly Dictionary<string, Trust> trust = [];

    // The user agents of machines that the generator writes (README.md, "Human and machine").
    private static readonly string[] MachineAgents = ["YahooMailProxy", "Barracuda", "Mimecast", "python-requests"];

    private sealed class Trust
    {
        public List<(DateTime At, bool? Machine)> Opens { get; } = [];

        public List<(DateTime At, bool? Machine)> Clicks { get; } = [];

        public List<string> ReplyKinds { get; } = [];

        public (DateTime At, string EventId, string Category)? Category { get; set; }
    }

    private sealed record Email(string Mailbox, string? Campaign, string? Step, string? Lead, bool Warmup, DateTime SentAt);

    public static ReferenceModel FromLines(IEnumerable<string> lines)
    {
        var model = new ReferenceModel();
        foreach (var line in lines)
        {
            model.Add(line);
        }
        return model;
    }

    private void Add(string line)
    {
        using var document = JsonDocument.Parse(line);
        var r = document.RootElement;
        string S(string name) => r.GetProperty(name).GetString()!;
        string? O(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var type = S("type");
        switch (type)
        {
            case "tenant":
                if (O("time_zone") is { } zone)
                {
                    timeZone[S("id")] = TimeZoneInfo.FindSystemTimeZoneById(zone);
                }
                if (r.TryGetProperty("billing_cycle_day", out var day))
                {
                    cycleDay[S("id")] = day.GetInt32();
                }
                else
                {
                    cycleDay.TryAdd(S("id"), 1);
                }
                return;
            case "company":
                companyTenant[S("id")] = S("tenant_id");
                return;
            case "campaign":
                campaignCompany[S("id")] = S("company_id");
                campaignStatus[S("id")] = O("status") ?? campaignStatus.GetValueOrDefault(S("id"));
                return;
            case "sequence_step":
                stepCampaign[S("id")] = S("campaign_id");
                return;
            case "mailbox":
                mailboxCompany[S("id")] = S("company_id");
                mailboxDomain[S("id")] = O("domain") ?? mailboxDomain.GetValueOrDefault(S("id"));
                return;
            case "lead":
                leadCompany[S("id")] = S("company_id");
                leadStatus[S("id")] = O("status") ?? leadStatus.GetValueOrDefault(S("id"));
                return;
        }
        if (!eventIds.Add(S("event_id")))
        {
            return; // a repeated event id is a no-op
        }
        var at = DateTimeOffset.Parse(S("occurred_at"), CultureInfo.InvariantCulture).UtcDateTime;
        if (type == "mailbox.health")
        {
            snapshots.Add((S("mailbox_id"), at));
            return;
        }
        var emailId = S("email_id");
        if (type == "email.sent")
        {
            var warmup = r.TryGetProperty("warmup", out var w) && w.GetBoolean();
            emails.TryAdd(emailId, new Email(S("mailbox_id"), O("campaign_id"), O("step_id"), O("lead_id"), warmup, at));
            return;
        }
        var t = trust.TryGetValue(emailId, out var found) ? found : trust[emailId] = new Trust();
        bool? machine = r.TryGetProperty("machine", out var m) && m.ValueKind is JsonValueKind.True or JsonValueKind.False ? m.GetBoolean()
            : O("user_agent") is { } agent && MachineAgents.Any(a => agent.Contains(a, StringComparison.OrdinalIgnoreCase)) ? true : null;
        switch (type)
        {
            case "email.opened":
                t.Opens.Add((at, machine));
                break;
            case "email.clicked":
                t.Clicks.Add((at, machine));
                break;
            case "email.replied":
                t.ReplyKinds.Add(O("kind") ?? "human");
                break;
            case "email.reply_categorized":
                var eventId = S("event_id");
                if (t.Category is not { } c || at > c.At || (at == c.At && string.CompareOrdinal(eventId, c.EventId) > 0))
                {
                    t.Category = (at, eventId, S("category"));
                }
                return; // not an event kind of the guide's counters
        }
        var kinds = events.TryGetValue(emailId, out var k) ? k : events[emailId] = [];
        kinds[type] = kinds.TryGetValue(type, out var first) && first <= at ? first : at;
    }

    private static DateOnly PeriodStart(DateOnly day, int cycle) =>
        day.Day >= cycle ? new DateOnly(day.Year, day.Month, cycle) : new DateOnly(day.Year, day.Month, cycle).AddMonths(-1);

    private static readonly string[] Kinds =
        ["email.delivered", "email.opened", "email.clicked", "email.replied", "email.bounced", "email.unsubscribed", "email.spam_complaint"];

    /// <summary>Expected rows per table, as <see cref="AnalyticsSnapshot"/> formats them.</summary>
    public Dictionary<string, List<string>> Expected()
    {
        var tables = new Dictionary<string, Dictionary<string, long[]>>();
        void Add(string table, string key, long[] counts)
        {
            var rows = tables.TryGetValue(table, out var t) ? t : tables[table] = [];
            var row = rows.TryGetValue(key, out var r) ? r : rows[key] = new long[counts.Length];
            for (var i = 0; i < counts.Length; i++)
            {
                row[i] += counts[i];
            }
        }
        var leads = new Dictionary<string, (HashSet<string> Contacted, HashSet<string> Replied, HashSet<string> Positive)>();

        var billing = new Dictionary<string, (long Sent, HashSet<string> Mailboxes, HashSet<string> Domains, HashSet<string> Campaigns, HashSet<string> Leads, HashSet<string> Warmups)>();
        (long Sent, HashSet<string> Mailboxes, HashSet<string> Domains, HashSet<string> Campaigns, HashSet<string> Leads, HashSet<string> Warmups) Usage(string key) =>
            billing.TryGetValue(key, out var u) ? u : billing[key] = (0, [], [], [], [], []);

        foreach (var (id, email) in emails)
        {
            var company = mailboxCompany[email.Mailbox];
            var tenant = companyTenant[company];
            var day = DateOnly.FromDateTime(email.SentAt);
            var period = $"{tenant}@{PeriodStart(day, cycleDay[tenant]):yyyy-MM-dd}";
            var seen = events.GetValueOrDefault(id) ?? [];
            var counts = new long[13];
            counts[0] = 1;
            for (var i = 0; i < Kinds.Length; i++)
            {
                counts[i + 1] = seen.ContainsKey(Kinds[i]) ? 1 : 0;
            }
            var t = trust.GetValueOrDefault(id) ?? new Trust();
            bool Human((DateTime At, bool? Machine) e) => !(e.Machine ?? e.At < email.SentAt.AddSeconds(60));
            var humanReply = t.ReplyKinds.Contains("human");
            counts[8] = t.Opens.Any(Human) ? 1 : 0;
            counts[9] = t.Clicks.Any(Human) ? 1 : 0;
            counts[10] = humanReply ? 1 : 0;
            counts[11] = t.ReplyKinds.Count > 0 && !humanReply ? 1 : 0;
            counts[12] = humanReply && t.Category?.Category is "interested" or "meeting_booked" ? 1 : 0;
            var d = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            // Daily rollups count on the tenant's local day; periods and warmup days are UTC days.
            var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(email.SentAt, timeZone.GetValueOrDefault(tenant) ?? TimeZoneInfo.Utc))
                .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (email.Warmup)
            {
                Add("warmup_analytics", $"{email.Mailbox}|{d}", counts[..8]);
                Usage(period).Warmups.Add(email.Mailbox);
                continue;
            }
            Add("daily_campaign_stats", $"{email.Campaign}|{local}", counts);
            Add("daily_step_stats", $"{email.Step}|{local}", counts);
            Add("daily_mailbox_stats", $"{email.Mailbox}|{local}", counts);
            Add("daily_tenant_stats", $"{tenant}|{local}", counts);
            Add("campaign_analytics", $"{email.Campaign}|{period}|{campaignStatus.GetValueOrDefault(email.Campaign!)}", counts);
            Add("sequence_step_analytics", $"{email.Step}|{period}", counts);
            foreach (var key in new[] { $"campaign_analytics|{email.Campaign}|{period}|{campaignStatus.GetValueOrDefault(email.Campaign!)}", $"sequence_step_analytics|{email.Step}|{period}" })
            {
                var sets = leads.TryGetValue(key, out var l) ? l : leads[key] = ([], [], []);
                sets.Contacted.Add(email.Lead!);
                if (counts[10] == 1)
                {
                    sets.Replied.Add(email.Lead!);
                }
                if (counts[12] == 1)
                {
                    sets.Positive.Add(email.Lead!);
                }
            }
            Add("mailbox_analytics", $"{email.Mailbox}|{period}", counts);
            Add("lead_analytics", $"{email.Lead}|{email.Campaign}|{period}|{leadStatus.GetValueOrDefault(email.Lead!)}", counts);
            var usage = Usage(period);
            billing[period] = usage with { Sent = usage.Sent + 1 };
            usage.Mailboxes.Add(email.Mailbox);
            if (mailboxDomain.GetValueOrDefault(email.Mailbox) is { } domain)
            {
                usage.Domains.Add(domain);
            }
            usage.Campaigns.Add(email.Campaign!);
            usage.Leads.Add(email.Lead!);
        }
        foreach (var (mailbox, at) in snapshots)
        {
            var tenant = companyTenant[mailboxCompany[mailbox]];
            var day = DateOnly.FromDateTime(at);
            Add("warmup_analytics", $"{mailbox}|{day:yyyy-MM-dd}", new long[8]);
            Usage($"{tenant}@{PeriodStart(day, cycleDay[tenant]):yyyy-MM-dd}");
        }

        // Distinct leads follow the counters on the campaign and step rows.
        string Row(string table, KeyValuePair<string, long[]> r) =>
            $"{r.Key}|{string.Join('|', r.Value)}" + (leads.TryGetValue($"{table}|{r.Key}", out var l) ? $"|{l.Contacted.Count}|{l.Replied.Count}|{l.Positive.Count}" : "");
        var result = tables.ToDictionary(
            t => t.Key,
            t => t.Value.Select(r => Row(t.Key, r)).Order(StringComparer.Ordinal).ToList());
        result["billing_analytics"] = billing
            .Select(b => $"{b.Key}|{b.Value.Sent}|{b.Value.Mailboxes.Count}|{b.Value.Domains.Count}|{b.Value.Campaigns.Count}|{b.Value.Leads.Count}|{b.Value.Warmups.Count}")
            .Order(StringComparer.Ordinal).ToList();
        return result;
    }
}
