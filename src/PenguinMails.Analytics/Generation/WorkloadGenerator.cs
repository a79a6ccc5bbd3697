namespace PenguinMails.Analytics.Generation;

/// <summary>
/// Writes a realistic cold-email workload in the data contract: tenants with companies, campaigns
/// of three to five steps (some A/B tested), mailboxes (a few unhealthy, some in warmup), leads that
/// move through the sequence until they reply, bounce or unsubscribe; engagement that decays
/// with each step, replies hours or days later, bounces (hard and soft) and complaints; warmup
/// traffic and daily health snapshots; and the untidiness of real producers: a few duplicated
/// events, events before their email.sent, and late events at the end of the file.
/// Deterministic: the same options always write the same bytes.
/// </summary>
public sealed class WorkloadGenerator(WorkloadOptions options)
{
    private static readonly string[] CampaignStatuses = ["active", "active", "active", "paused", "completed"];

    private readonly Random random = new(options.Seed);
    private readonly List<LateEvent> late = [];
    private long eventCounter;
    private long emailCounter;

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

        for (var t = 1; t <= tenants; t++)
        {
            var tenantId = $"t{t}";
            await writer.Begin("tenant").Str("id", tenantId).Str("name", $"Tenant {t}").Int("billing_cycle_day", 1 + random.Next(28)).EndAsync(cancellationToken);
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
            }
        }

        // Late arrivals, then campaigns that finished since: entity updates after their emails.
        foreach (var e in late)
        {
            await WriteEventAsync(writer, e.Type, e.EventId, e.EmailId, e.At, e.BounceType, cancellationToken);
        }
        foreach (var (id, companyId) in statusUpdates)
        {
            await writer.Begin("campaign").Str("id", id).Str("company_id", companyId).Str("status", "completed").EndAsync(cancellationToken);
        }
        await writer.FlushAsync(cancellationToken);
        return new Summary(writer.Lines, campaignEmails, warmupEmails);
    }

    private async Task<Company> WriteCompanyAsync(NdjsonWriter writer, string tenantId, string id, long budget, CancellationToken cancellationToken)
    {
        await writer.Begin("company").Str("id", id).Str("tenant_id", tenantId).Str("name", $"Company {id}").EndAsync(cancellationToken);
        var company = new Company(id);
        var mailboxes = (int)Math.Clamp(budget / 1500, 2, 400);
        var domains = Math.Max(1, mailboxes / 4);
        for (var m = 1; m <= mailboxes; m++)
        {
            var mailbox = new Mailbox($"{id}-m{m}", Unhealthy: random.NextDouble() < 0.1, Warming: random.NextDouble() < 0.3);
            company.Mailboxes.Add(mailbox);
            var domain = $"{id}-d{1 + (m % domains)}.example";
            await writer.Begin("mailbox").Str("id", mailbox.Id).Str("company_id", id).Str("address", $"sender{m}@{domain}").Str("domain", domain)
                .Str("warmup_status", mailbox.Warming ? "warming" : "active").Int("current_volume", 20 + random.Next(80)).EndAsync(cancellationToken);
        }
        var campaigns = (int)Math.Clamp(budget / Math.Max(1, options.EmailsPerCampaign), 1, 200);
        for (var k = 1; k <= campaigns; k++)
        {
            var campaign = new Campaign($"{id}-k{k}");
            company.Campaigns.Add(campaign);
            var status = CampaignStatuses[random.Next(CampaignStatuses.Length)];
            await writer.Begin("campaign").Str("id", campaign.Id).Str("company_id", id).Str("name", $"Campaign {k}").Str("status", status).EndAsync(cancellationToken);
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
            await writer.Begin("lead").Str("id", $"{id}-l{l}").Str("company_id", id).Str("status", "new").EndAsync(cancellationToken);
        }
        company.Leads = leads;
        return company;
    }

    private async Task<(long Campaign, long Warmup)> WriteTrafficAsync(NdjsonWriter writer, Company company, long budget, DateTime start, CancellationToken cancellationToken)
    {
        long sent = 0;
        var lead = 0;
        var span = TimeSpan.FromDays(options.Days);
        while (sent < budget)
        {
            lead = lead % company.Leads + 1;
            var leadId = $"{company.Id}-l{lead}";
            var campaign = company.Campaigns[random.Next(company.Campaigns.Count)];
            var mailbox = company.Mailboxes[random.Next(company.Mailboxes.Count)];
            var at = start + TimeSpan.FromSeconds(random.NextDouble() * span.TotalSeconds * 0.9);
            for (var s = 0; s < campaign.Steps.Count && sent < budget && at < Horizon; s++)
            {
                var variants = campaign.Steps[s];
                var variant = random.Next(variants.Count);
                var ended = await WriteEmailAsync(writer, campaign.Id, variants[variant], mailbox, leadId, at, s, variant, cancellationToken);
                sent++;
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
                    await writer.Begin("mailbox.health").Str("event_id", NextEventId()).Str("mailbox_id", mailbox.Id).Time("occurred_at", date.AddHours(23))
                        .Int("health_score", health).Int("progress_percentage", progress).Str("warmup_status", progress >= 100 ? "completed" : "warming")
                        .EndAsync(cancellationToken);
                }
            }
        }
        return (sent, warmup);
    }

    /// <summary>Writes one campaign email and its engagement; true when the lead's sequence ends here.</summary>
    private async Task<bool> WriteEmailAsync(NdjsonWriter writer, string campaignId, string stepId, Mailbox mailbox, string leadId,
        DateTime at, int step, int variant, CancellationToken cancellationToken)
    {
        var emailId = $"e{++emailCounter}";
        var events = new List<(string Type, DateTime At, string? BounceType)>(6);
        var decay = Math.Pow(0.85, step) * (variant == 1 ? 1.15 : 1.0);
        var ended = false;
        if (random.NextDouble() < (mailbox.Unhealthy ? 0.12 : 0.02))
        {
            events.Add(("email.bounced", at.AddMinutes(2), random.NextDouble() < 0.4 ? "hard" : "soft"));
            ended = true;
        }
        else
        {
            events.Add(("email.delivered", at.AddMinutes(1), null));
            if (random.NextDouble() < 0.45 * decay)
            {
                var opened = at.AddMinutes(5 + random.Next(6 * 60));
                events.Add(("email.opened", opened, null));
                if (random.NextDouble() < 0.3)
                {
                    events.Add(("email.opened", opened.AddHours(5), null)); // a second open: same email, no new count
                }
                if (random.NextDouble() < 0.2)
                {
                    events.Add(("email.clicked", opened.AddMinutes(2), null));
                }
            }
            if (random.NextDouble() < 0.06 * decay)
            {
                events.Add(("email.replied", at.AddHours(1 + random.Next(96)), null));
                ended = true;
            }
            if (random.NextDouble() < 0.01)
            {
                events.Add(("email.unsubscribed", at.AddHours(3), null));
                ended = true;
            }
            if (random.NextDouble() < (mailbox.Unhealthy ? 0.01 : 0.002))
            {
                events.Add(("email.spam_complaint", at.AddHours(4), null));
                ended = true;
            }
        }

        // What would only happen after the workload's end (a reply days after the last sends) has
        // not happened yet: ingest refuses timestamps in the future of its clock.
        events.RemoveAll(e => e.At >= Horizon);
        var outOfOrder = random.NextDouble() < options.OutOfOrderRate && events.Count > 0;
        if (outOfOrder)
        {
            var (type, time, bounce) = events[0];
            await WriteEventAsync(writer, type, NextEventId(), emailId, time, bounce, cancellationToken);
        }
        await writer.Begin("email.sent").Str("event_id", NextEventId()).Str("email_id", emailId).Time("occurred_at", at)
            .Str("campaign_id", campaignId).Str("step_id", stepId).Str("mailbox_id", mailbox.Id).Str("lead_id", leadId).EndAsync(cancellationToken);
        for (var i = outOfOrder ? 1 : 0; i < events.Count; i++)
        {
            var (type, time, bounce) = events[i];
            var eventId = NextEventId();
            if (random.NextDouble() < options.LateRate)
            {
                late.Add(new LateEvent(type, eventId, emailId, time, bounce));
                continue;
            }
            await WriteEventAsync(writer, type, eventId, emailId, time, bounce, cancellationToken);
            if (random.NextDouble() < options.DuplicateRate)
            {
                await WriteEventAsync(writer, type, eventId, emailId, time, bounce, cancellationToken); // a producer retry
            }
        }
        return ended;
    }

    private ValueTask WriteIfHappenedAsync(NdjsonWriter writer, string type, string eventId, string emailId, DateTime at, CancellationToken cancellationToken) =>
        at < Horizon ? WriteEventAsync(writer, type, eventId, emailId, at, null, cancellationToken) : ValueTask.CompletedTask;

    private static async ValueTask WriteEventAsync(NdjsonWriter writer, string type, string eventId, string emailId, DateTime at, string? bounceType, CancellationToken cancellationToken)
    {
        writer.Begin(type).Str("event_id", eventId).Str("email_id", emailId).Time("occurred_at", at);
        if (bounceType is not null)
        {
            writer.Str("bounce_type", bounceType);
        }
        await writer.EndAsync(cancellationToken);
    }

    private string NextEventId() => $"v{++eventCounter}";

    // The workload is what happened up to the start of its End day: nothing is sent or happens after.
    private DateTime Horizon => options.End.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

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
    }

    private sealed record LateEvent(string Type, string EventId, string EmailId, DateTime At, string? BounceType);
}
