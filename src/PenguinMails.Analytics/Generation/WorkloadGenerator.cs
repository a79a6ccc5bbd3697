namespace PenguinMails.Analytics.Generation;

/// <summary>
/// Writes a realistic cold-email workload in the data contract: tenants with companies, campaigns
/// of three to five steps (some A/B tested), mailboxes (a few unhealthy, some in warmup), leads that
/// move through the sequence until they reply, bounce or unsubscribe; engagement that decays
/// with each step, replies hours or days later, bounces (hard and soft) and complaints; warmup
/// traffic and daily health snapshots; and the untidiness of real producers: a few duplicated
/// events, events before their email.sent, and late events at the end of the file.
/// Names read like a real account (<see cref="WorkloadNames"/>); sequences start on working days
/// in business hours, more of them each month (a growing account), up to the workload's end.
/// Deterministic: the same options always write the same bytes.
/// </summary>
public sealed class WorkloadGenerator(WorkloadOptions options)
{
    private static readonly string[] CampaignStatuses = ["active", "active", "active", "paused", "completed"];

    // Tenants work in their own time zones (one with a half-hour offset, one south of the equator).
    private static readonly string[] TimeZones = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "UTC", "America/Los_Angeles", "Australia/Sydney"];

    // User agents the generator writes: machines' (README.md, "Human and machine") and people's.
    private static readonly string[] MachineAgents =
        ["Mozilla/5.0 (compatible; YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html)", "Barracuda Sentinel (EE)", "Mimecast URL Protect", "python-requests/2.31"];

    private static readonly string[] HumanAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
        "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
    ];

    // Sequences start with a density rising linearly by this much over the workload: about +10 %
    // from one 30-day period to the next over four months.
    private const double Growth = 0.6;

    private readonly Random random = new(options.Seed);
    private readonly List<LateEvent> late = [];
    private long eventCounter;
    private TimeZoneInfo tenantZone = TimeZoneInfo.Utc;
    private long emailCounter;
    private int clientCounter;

    /// <summary>What was written.</summary>
    public sealed record Summary(long Lines, long CampaignEmails, long WarmupEmails);

    /// <summary>Writes the workload to <paramref name="output"/>.</summary>
    public async Task<Summary> WriteAsync(Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var writer = new NdjsonWriter(output);
        var start = options.End.AddDays(-options.Days).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var tenants = Math.Max(1, options.Tenants);
        long campaignEmails = 0, warmupEmails = 0;
        var statusUpdates = new List<(string Id, string CompanyId)>();
        var allCompanies = new List<Company>();

        for (var t = 1; t <= tenants; t++)
        {
            var tenantId = $"t{t}";
            var zone = TimeZones[(t - 1) % TimeZones.Length];
            tenantZone = TimeZoneInfo.FindSystemTimeZoneById(zone);
            await writer.Begin("tenant").Str("id", tenantId).Str("name", WorkloadNames.Tenant(t)).Int("billing_cycle_day", 1 + random.Next(28))
                .Str("time_zone", zone).EndAsync(cancellationToken);
            var tenantBudget = options.Emails / tenants + (t <= options.Emails % tenants ? 1 : 0);
            var companies = 1 + random.Next(3);
            for (var c = 1; c <= companies; c++)
            {
                var budget = tenantBudget / companies + (c <= tenantBudget % companies ? 1 : 0);
                var company = await WriteCompanyAsync(writer, tenantId, $"{tenantId}-c{c}", budget, cancellationToken);
                var (sent, warmup) = await WriteTrafficAsync(writer, company, budget, start, cancellationToken);
                campaignEmails += sent;
                warmupEmails += warmup;
                statusUpdates.AddRange(company.Campaigns.Where(_ => random.NextDouble() < 0.3).Select(k => (k.Id, company.Id)));
                allCompanies.Add(company);
            }
        }

        // Late arrivals, then campaigns that finished since and leads whose sequence ended in a
        // reply, bounce or unsubscribe: entity updates after their emails.
        foreach (var e in late)
        {
            await WriteEventAsync(writer, e.EventId, e.EmailId, e.Event, cancellationToken);
        }
        foreach (var (id, companyId) in statusUpdates)
        {
            await writer.Begin("campaign").Str("id", id).Str("company_id", companyId).Str("status", "completed").EndAsync(cancellationToken);
        }
        foreach (var company in allCompanies)
        {
            for (var l = 0; l < company.Leads; l++)
            {
                if (company.LeadOutcomes[l] is { } outcome)
                {
                    await writer.Begin("lead").Str("id", $"{company.Id}-l{l + 1}").Str("company_id", company.Id).Str("status", outcome).EndAsync(cancellationToken);
                }
            }
        }
        await writer.FlushAsync(cancellationToken);
        return new Summary(writer.Lines, campaignEmails, warmupEmails);
    }

    private async Task<Company> WriteCompanyAsync(NdjsonWriter writer, string tenantId, string id, long budget, CancellationToken cancellationToken)
    {
        var client = ++clientCounter;
        var clientName = WorkloadNames.Client(client);
        await writer.Begin("company").Str("id", id).Str("tenant_id", tenantId).Str("name", clientName).EndAsync(cancellationToken);
        var company = new Company(id);
        var mailboxes = (int)Math.Clamp(budget / 1500, 2, 400);
        var domains = Math.Max(1, mailboxes / 4);
        for (var m = 1; m <= mailboxes; m++)
        {
            // About one in ten mailboxes is unhealthy, and always a company's second: every account
            // has a deliverability problem to show.
            var unhealthy = random.NextDouble() < 0.1 || m == 2;
            var mailbox = new Mailbox($"{id}-m{m}", Unhealthy: unhealthy, Warming: random.NextDouble() < 0.3);
            company.Mailboxes.Add(mailbox);
            var domain = WorkloadNames.SendingDomain(clientName, 1 + (m % domains));
            await writer.Begin("mailbox").Str("id", mailbox.Id).Str("company_id", id).Str("address", $"{WorkloadNames.Sender(m)}@{domain}").Str("domain", domain)
                .Str("warmup_status", mailbox.Warming ? "warming" : "active").Int("current_volume", 20 + random.Next(80)).EndAsync(cancellationToken);
        }
        var campaigns = (int)Math.Clamp(budget / Math.Max(1, options.EmailsPerCampaign), 1, 200);
        for (var k = 1; k <= campaigns; k++)
        {
            var campaign = new Campaign($"{id}-k{k}");
            company.Campaigns.Add(campaign);
            var status = CampaignStatuses[random.Next(CampaignStatuses.Length)];
            await writer.Begin("campaign").Str("id", campaign.Id).Str("company_id", id).Str("name", WorkloadNames.Campaign(client, k)).Str("status", status).EndAsync(cancellationToken);
            var steps = 3 + random.Next(3);
            for (var s = 1; s <= steps; s++)
            {
                // Every other campaign A/B tests its first two steps.
                var variants = k % 2 == 1 && s <= 2 ? new[] { "A", "B" } : new[] { "A" };
                var step = new List<string>();
                foreach (var variant in variants)
                {
                    var stepId = $"{campaign.Id}-s{s}{variant}";
                    step.Add(stepId);
                    await writer.Begin("sequence_step").Str("id", stepId).Str("campaign_id", campaign.Id).Int("step_number", s).Str("variant", variant).EndAsync(cancellationToken);
                }
                campaign.Steps.Add(step);
            }
        }
        var leads = (int)Math.Max(1, budget * 2 / 5);
        for (var l = 1; l <= leads; l++)
        {
            await writer.Begin("lead").Str("id", $"{id}-l{l}").Str("company_id", id).Str("address", WorkloadNames.LeadAddress(client, l))
                .Str("status", "active").EndAsync(cancellationToken);
        }
        company.Leads = leads;
        company.LeadOutcomes = new string?[leads];
        return company;
    }

    private async Task<(long Campaign, long Warmup)> WriteTrafficAsync(NdjsonWriter writer, Company company, long budget, DateTime start, CancellationToken cancellationToken)
    {
        long sent = 0;
        var lead = 0;
        while (sent < budget)
        {
            lead = lead % company.Leads + 1;
            var leadId = $"{company.Id}-l{lead}";
            var campaign = company.Campaigns[random.Next(company.Campaigns.Count)];
            var mailbox = company.Mailboxes[random.Next(company.Mailboxes.Count)];
            var at = SequenceStart(start, tenantZone);
            for (var s = 0; s < campaign.Steps.Count && sent < budget && at < Horizon; s++)
            {
                var variants = campaign.Steps[s];
                var variant = random.Next(variants.Count);
                var (ended, status) = await WriteEmailAsync(writer, campaign.Id, variants[variant], mailbox, leadId, at, s, variant, cancellationToken);
                sent++;
                if (status is not null)
                {
                    company.LeadOutcomes[lead - 1] = status;
                }
                if (ended || random.NextDouble() < 0.25)
                {
                    break;
                }
                at += TimeSpan.FromHours(48 + random.Next(72));
            }
        }

        // Warmup: about a tenth of the campaign volume (at least one email a day), spread over the
        // warming mailboxes and every day, with one health snapshot per warming mailbox per day.
        long warmup = 0;
        var warming = company.Mailboxes.Where(m => m.Warming).ToList();
        if (warming.Count > 0)
        {
            var perDay = Math.Max(1, budget / 10 / warming.Count / options.Days);
            foreach (var mailbox in warming)
            {
                for (var day = 0; day < options.Days; day++)
                {
                    var date = start.AddDays(day);
                    for (var i = 0; i < perDay; i++)
                    {
                        var at = date + TimeSpan.FromMinutes(random.Next(24 * 60));
                        if (at >= Horizon)
                        {
                            continue;
                        }
                        var emailId = $"e{++emailCounter}";
                        await writer.Begin("email.sent").Str("event_id", NextEventId()).Str("email_id", emailId).Time("occurred_at", at)
                            .Bool("warmup", true).Str("mailbox_id", mailbox.Id).EndAsync(cancellationToken);
                        if (random.NextDouble() < 0.99)
                        {
                            await WriteIfHappenedAsync(writer, "email.delivered", NextEventId(), emailId, at.AddMinutes(1), cancellationToken);
                            if (random.NextDouble() < 0.7)
                            {
                                await WriteIfHappenedAsync(writer, "email.opened", NextEventId(), emailId, at.AddMinutes(30), cancellationToken);
                            }
                            if (random.NextDouble() < 0.3)
                            {
                                await WriteIfHappenedAsync(writer, "email.replied", NextEventId(), emailId, at.AddHours(2), cancellationToken);
                            }
                        }
                        warmup++;
                    }
                    var progress = Math.Min(100, 10 + day * 100 / options.Days);
                    var health = mailbox.Unhealthy ? 40 + random.Next(20) : 80 + random.Next(21);
                    if (date.AddHours(23) >= Horizon)
                    {
                        continue;
                    }
                    await writer.Begin("mailbox.health").Str("event_id", NextEventId()).Str("mailbox_id", mailbox.Id).Time("occurred_at", date.AddHours(23))
                        .Int("health_score", health).Int("progress_percentage", progress).Str("warmup_status", progress >= 100 ? "completed" : "warming")
                        .EndAsync(cancellationToken);
                }
            }
        }
        return (sent, warmup);
    }

    /// <summary>
    /// Writes one campaign email and its engagement: whether the lead's sequence ends here, and the
    /// lead's status when something already happened that ends it (a reply may still be to come).
    /// </summary>
    private async Task<(bool Ended, string? LeadStatus)> WriteEmailAsync(NdjsonWriter writer, string campaignId, string stepId, Mailbox mailbox, string leadId,
        DateTime at, int step, int variant, CancellationToken cancellationToken)
    {
        var emailId = $"e{++emailCounter}";
        var events = new List<Event>(8);
        var decay = Math.Pow(0.85, step) * (variant == 1 ? 1.15 : 1.0);
        var ended = false;
        if (random.NextDouble() < (mailbox.Unhealthy ? 0.12 : 0.02))
        {
            events.Add(new("email.bounced", at.AddMinutes(2), random.NextDouble() < 0.4 ? "hard" : "soft"));
            ended = true;
        }
        else
        {
            events.Add(new("email.delivered", at.AddMinutes(1)));
            // Machines: a third of readers' mail apps fetch images on arrival (Apple Mail Privacy
            // Protection, prefetching proxies), and some gateways follow every link. The sender
            // knows some of them (machine: true), a user agent gives some away, the rest come
            // within seconds of the send (the fold's timing rule).
            if (random.NextDouble() < 0.33)
            {
                events.Add(MachineEvent("email.opened", at));
            }
            if (random.NextDouble() < 0.04)
            {
                events.Add(MachineEvent("email.clicked", at));
            }
            if (random.NextDouble() < 0.45 * decay)
            {
                var opened = at.AddMinutes(5 + random.Next(6 * 60));
                events.Add(HumanEvent("email.opened", opened));
                if (random.NextDouble() < 0.3)
                {
                    events.Add(HumanEvent("email.opened", opened.AddHours(5))); // a second open: same email, no new count
                }
                if (random.NextDouble() < 0.2)
                {
                    events.Add(HumanEvent("email.clicked", opened.AddMinutes(2)));
                }
            }
            // Out-of-office and other automatic replies come within minutes; some people answer
            // after theirs. A person's reply is categorized later in the inbox, and sometimes
            // again (a lead who was interested books a meeting, or changes their mind).
            var automatic = random.NextDouble() < 0.025;
            if (automatic)
            {
                events.Add(new("email.replied", at.AddMinutes(2 + random.Next(20)), Kind: random.NextDouble() < 0.6 ? "out_of_office" : "auto"));
            }
            if (random.NextDouble() < (automatic ? 0.3 : 0.06) * decay * SendTimeEffect(TimeZoneInfo.ConvertTimeFromUtc(at, tenantZone)))
            {
                var replied = at.AddHours(1 + random.Next(96));
                events.Add(new("email.replied", replied, Kind: random.NextDouble() < 0.5 ? "human" : null));
                var categorized = replied.AddHours(1 + random.Next(48));
                events.Add(new("email.reply_categorized", categorized, Category: ReplyCategory()));
                if (random.NextDouble() < 0.15)
                {
                    events.Add(new("email.reply_categorized", categorized.AddHours(2 + random.Next(72)), Category: ReplyCategory()));
                }
                ended = true;
            }
            if (random.NextDouble() < 0.01)
            {
                events.Add(new("email.unsubscribed", at.AddHours(3)));
                ended = true;
            }
            if (random.NextDouble() < (mailbox.Unhealthy ? 0.01 : 0.002))
            {
                events.Add(new("email.spam_complaint", at.AddHours(4)));
                ended = true;
            }
        }

        // What would only happen after the workload's end (a reply days after the last sends) has
        // not happened yet: ingest refuses timestamps in the future of its clock.
        events.RemoveAll(e => e.At >= Horizon);
        var status = events.Exists(e => e.Type == "email.replied" && e.Kind is null or "human") ? "replied"
            : events.Exists(e => e.Type is "email.unsubscribed" or "email.spam_complaint") ? "unsubscribed"
            : events.Exists(e => e.Type == "email.bounced") ? "bounced"
            : null;
        var outOfOrder = random.NextDouble() < options.OutOfOrderRate && events.Count > 0;
        if (outOfOrder)
        {
            // The first event before the email.sent, or (as inboxes do) a categorization before its reply.
            var first = events.FindIndex(e => e.Type == "email.reply_categorized") is var c && c >= 0 && random.NextDouble() < 0.5 ? c : 0;
            (events[0], events[first]) = (events[first], events[0]);
            await WriteEventAsync(writer, NextEventId(), emailId, events[0], cancellationToken);
        }
        await writer.Begin("email.sent").Str("event_id", NextEventId()).Str("email_id", emailId).Time("occurred_at", at)
            .Str("campaign_id", campaignId).Str("step_id", stepId).Str("mailbox_id", mailbox.Id).Str("lead_id", leadId).EndAsync(cancellationToken);
        for (var i = outOfOrder ? 1 : 0; i < events.Count; i++)
        {
            var eventId = NextEventId();
            if (random.NextDouble() < options.LateRate)
            {
                late.Add(new LateEvent(eventId, emailId, events[i]));
                continue;
            }
            await WriteEventAsync(writer, eventId, emailId, events[i], cancellationToken);
            if (random.NextDouble() < options.DuplicateRate)
            {
                await WriteEventAsync(writer, eventId, emailId, events[i], cancellationToken); // a producer retry
            }
        }
        return (ended, status);
    }

    // A machine's open or click: flagged by the sender, given away by its user agent, or only
    // by coming seconds after the send.
    private Event MachineEvent(string type, DateTime sentAt)
    {
        var draw = random.NextDouble();
        return draw < 0.5 ? new(type, sentAt.AddSeconds(30 + random.Next(600)), Machine: true, UserAgent: "Mozilla/5.0")
            : draw < 0.75 ? new(type, sentAt.AddSeconds(30 + random.Next(600)), UserAgent: MachineAgents[random.Next(MachineAgents.Length)])
            : new(type, sentAt.AddSeconds(2 + random.Next(50)));
    }

    // A person's open or click: usually just a browser's user agent; sometimes the sender says so.
    private Event HumanEvent(string type, DateTime at) =>
        new(type, at, Machine: random.NextDouble() < 0.2 ? false : null, UserAgent: HumanAgents[random.Next(HumanAgents.Length)]);

    private string ReplyCategory()
    {
        var draw = random.NextDouble();
        return draw < 0.3 ? "interested" : draw < 0.4 ? "meeting_booked" : draw < 0.8 ? "not_interested" : "other";
    }

    // People answer more in their working morning and less late in the week (the best-send-times
    // heatmap has something to show): a factor around 1, of the tenant's local time.
    private static double SendTimeEffect(DateTime at) =>
        (at.Hour is >= 8 and < 11 ? 1.4 : at.Hour >= 15 ? 0.7 : 1.0) * (at.DayOfWeek is DayOfWeek.Tuesday or DayOfWeek.Wednesday ? 1.2 : at.DayOfWeek == DayOfWeek.Friday ? 0.75 : 1.0);

    private ValueTask WriteIfHappenedAsync(NdjsonWriter writer, string type, string eventId, string emailId, DateTime at, CancellationToken cancellationToken) =>
        at < Horizon ? WriteEventAsync(writer, eventId, emailId, new Event(type, at), cancellationToken) : ValueTask.CompletedTask;

    private static async ValueTask WriteEventAsync(NdjsonWriter writer, string eventId, string emailId, Event e, CancellationToken cancellationToken)
    {
        writer.Begin(e.Type).Str("event_id", eventId).Str("email_id", emailId).Time("occurred_at", e.At);
        if (e.BounceType is not null)
        {
            writer.Str("bounce_type", e.BounceType);
        }
        if (e.Machine is { } machine)
        {
            writer.Bool("machine", machine);
        }
        if (e.UserAgent is not null)
        {
            writer.Str("user_agent", e.UserAgent);
        }
        if (e.Kind is not null)
        {
            writer.Str("kind", e.Kind);
        }
        if (e.Category is not null)
        {
            writer.Str("category", e.Category);
        }
        await writer.EndAsync(cancellationToken);
    }

    private string NextEventId() => $"v{++eventCounter}";

    // The workload is what happened up to its Until (default: the start of its End day): nothing is sent or happens after.
    private DateTime Horizon => options.Until ?? options.End.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>When a lead's sequence starts (UTC): more often later in the workload, on the tenant's working days, in its business hours.</summary>
    private DateTime SequenceStart(DateTime start, TimeZoneInfo zone)
    {
        while (true)
        {
            // The inverse of the distribution function of a density proportional to 1 + Growth * x on [0, 1].
            var x = (Math.Sqrt(1 + 2 * Growth * random.NextDouble() * (1 + Growth / 2)) - 1) / Growth;
            var day = start.AddDays(Math.Min(options.Days - 1, Math.Floor(x * options.Days)));
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday && random.NextDouble() < 0.85)
            {
                continue;
            }
            var local = DateTime.SpecifyKind(day.AddMinutes(7 * 60 + random.Next(10 * 60)), DateTimeKind.Unspecified);
            return TimeZoneInfo.ConvertTimeToUtc(local, zone);
        }
    }

    private sealed record Mailbox(string Id, bool Unhealthy, bool Warming);

    private sealed class Campaign(string id)
    {
        public string Id { get; } = id;

        public List<List<string>> Steps { get; } = [];
    }

    private sealed class Company(string id)
    {
        public string Id { get; } = id;

        public List<Mailbox> Mailboxes { get; } = [];

        public List<Campaign> Campaigns { get; } = [];

        public int Leads { get; set; }

        /// <summary>Per lead (0-based): the status its last sequence ended with, null while none has.</summary>
        public string?[] LeadOutcomes { get; set; } = [];
    }

    private sealed record LateEvent(string EventId, string EmailId, Event Event);

    /// <summary>An email event as written: what a machine or person did, and what the sender knows of it.</summary>
    private readonly record struct Event(string Type, DateTime At, string? BounceType = null, bool? Machine = null, string? UserAgent = null,
        string? Kind = null, string? Category = null);
}
