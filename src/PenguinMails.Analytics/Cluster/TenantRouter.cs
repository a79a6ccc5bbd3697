using PenguinMails.Analytics.Ingestion;
using PenguinMails.Analytics.Ingestion.Records;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Cluster;

/// <summary>
/// Decides the tenant, and so the shard, of each line of a batch: a tenant line by its id, a
/// company by its tenant, a campaign, mailbox or lead by its company, a step by its campaign, an
/// <c>email.sent</c> by its campaign (warmup: its mailbox), <c>mailbox.health</c> by its mailbox,
/// any other email event by its <c>tenant_id</c> or else its email. Parents are looked up in the
/// batch first, then on the coordinator over every shard. New tenants are placed first. A line
/// whose parent nobody knows goes to the first shard, which rejects it as a single node would; an
/// event whose email nobody knows yet is held on the coordinator until its email.sent arrives.
/// </summary>
internal sealed class TenantRouter(ClusterTopology cluster, string? scopeTenant)
{
    private const string SqlFolder = "Cluster/Sql";

    /// <summary>Lines that go nowhere for now, and why: their shard is down, or their tenant is being moved off it.</summary>
    public sealed record Refusal(Shard Shard, string Reason, string Retry, List<RoutedLine> Lines);

    /// <summary>A batch's lines per shard, how many were held on the coordinator, and the lines refused for now.</summary>
    public sealed record Routes(IReadOnlyDictionary<Shard, List<RoutedLine>> ByShard, long Held, IReadOnlyList<Refusal> Refused);

    // The shards that did not answer this batch's lookups, and why.
    private readonly Dictionary<Shard, string> unreachable = [];

    public async Task<Routes> RouteAsync(List<RoutedLine> lines, RejectionReport report, CancellationToken cancellationToken)
    {
        unreachable.Clear();
        var routes = await RouteByTenantAsync(lines, report, cancellationToken);
        var copying = await TenantMover.CopyingAsync(cluster, cancellationToken);
        if (copying.Count == 0)
        {
            return routes;
        }
        // Tenants being moved (cluster move-tenant): refused until the move has switched.
        var byShard = new Dictionary<Shard, List<RoutedLine>>();
        var refused = routes.Refused.ToList();
        foreach (var (shard, part) in routes.ByShard)
        {
            var moving = part.Where(l => l.Tenant is not null && copying.Contains(l.Tenant)).ToList();
            if (moving.Count < part.Count)
            {
                byShard[shard] = [.. part.Where(l => l.Tenant is null || !copying.Contains(l.Tenant))];
            }
            if (moving.Count > 0)
            {
                refused.Add(new Refusal(shard, $"tenant(s) being moved off shard {shard.Name}", "once the move has finished (cluster status)", moving));
            }
        }
        return routes with { ByShard = byShard, Refused = refused };
    }

    private async Task<Routes> RouteByTenantAsync(List<RoutedLine> lines, RejectionReport report, CancellationToken cancellationToken)
    {
        if (scopeTenant is not null)
        {
            // A tenant's producer key: every line is about its tenant, or the shard rejects it.
            foreach (var line in lines)
            {
                line.Tenant = scopeTenant;
            }
            // Its own tenant line places a new tenant, as any tenant line does.
            var placed = lines.Any(l => l.Record is TenantRecord)
                ? await cluster.PlaceAsync([scopeTenant], cancellationToken)
                : await cluster.PlacementsAsync(cancellationToken);
            var shard = placed.GetValueOrDefault(scopeTenant) ?? cluster.Shards[0];
            return new Routes(new Dictionary<Shard, List<RoutedLine>> { [shard] = lines }, 0, []);
        }

        var parents = await ParentsAsync(lines, cancellationToken);
        var emailTenants = await EmailTenantsAsync(lines, parents, cancellationToken);
        var held = new List<RoutedLine>();
        foreach (var line in lines)
        {
            line.Tenant = TenantOf(line.Record, parents, emailTenants);
            if (line.Record is EmailEventRecord { Kind: not (EmailEventKind.Sent or EmailEventKind.MailboxHealth), TenantId: null } e && line.Tenant is null)
            {
                var tenants = emailTenants.GetValueOrDefault(e.EmailId!);
                if (tenants is { Count: > 1 })
                {
                    report.Add(new Rejection(line.Line, "email_id", $"email id '{e.EmailId}' is used by more than one tenant: name the tenant with tenant_id"));
                    line.Tenant = Rejected;
                }
                else
                {
                    held.Add(line);
                    line.Tenant = Held;
                }
            }
        }
        var placements = await cluster.PlaceAsync(
            lines.Where(l => l.Record is TenantRecord).Select(l => l.Tenant!), cancellationToken);
        var byShard = new Dictionary<Shard, List<RoutedLine>>();
        var unplaced = new List<RoutedLine>();
        foreach (var line in lines)
        {
            if (line.Tenant is Rejected or Held)
            {
                continue;
            }
            if (line.Tenant is null && unreachable.Count > 0)
            {
                // Its parent may be on the shard that did not answer: refused for now, not rejected.
                unplaced.Add(line);
                continue;
            }
            // Unknown tenant or parent: the first shard says why, as a single node would.
            var shard = line.Tenant is not null && placements.TryGetValue(line.Tenant, out var placed) ? placed : cluster.Shards[0];
            if (!byShard.TryGetValue(shard, out var part))
            {
                byShard[shard] = part = [];
            }
            part.Add(line);
        }
        await HoldAsync(held, cancellationToken);
        var (down, reason) = unreachable.FirstOrDefault();
        return new Routes(byShard, held.Count, unplaced.Count == 0 ? [] : [new Refusal(down, reason, "once the shard is back", unplaced)]);
    }

    /// <summary>
    /// Sends the held events whose email a shard now knows to that shard; returns the lines sent.
    /// Their rejections (if any) are reported with the line numbers they had when they arrived.
    /// </summary>
    public async Task<long> ReleaseHeldAsync(ClusterIngestor ingestor, RejectionReport report, Dictionary<string, RefusedPart> refused, CancellationToken cancellationToken)
    {
        var parser = new RecordParser(int.MaxValue);
        var heldLines = new List<(long Seq, RoutedLine Line)>();
        await using (var connection = await cluster.Coordinator.OpenConnectionAsync(cancellationToken))
        await using (var command = connection.CreateCommand("SELECT seq, line_number, line FROM penguin_topology.held_events ORDER BY seq"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var utf8 = System.Text.Encoding.UTF8.GetBytes(reader.GetString(2));
                if (parser.Parse(utf8, reader.GetInt64(1), out _) is { } record)
                {
                    heldLines.Add((reader.GetInt64(0), new RoutedLine(reader.GetInt64(1), utf8, record)));
                }
            }
        }
        if (heldLines.Count == 0)
        {
            return 0;
        }
        var emailTenants = await EmailTenantsAsync(heldLines.Select(h => h.Line).ToList(), new Dictionary<(string, string), string>(), cancellationToken);
        var placements = await cluster.PlacementsAsync(cancellationToken);
        var byShard = new Dictionary<Shard, List<RoutedLine>>();
        var released = new List<long>();
        foreach (var (seq, line) in heldLines)
        {
            if (emailTenants.GetValueOrDefault(line.EmailId!) is [var tenant] && placements.TryGetValue(tenant, out var shard))
            {
                line.Tenant = tenant;
                if (!byShard.TryGetValue(shard, out var part))
                {
                    byShard[shard] = part = [];
                }
                part.Add(line);
                released.Add(seq);
            }
        }
        if (released.Count == 0)
        {
            return 0;
        }
        var refusedBefore = refused.Values.Sum(r => r.Lines);
        var sent = await ingestor.WriteToShardsAsync(byShard, report, refused, cancellationToken);
        if (refused.Values.Sum(r => r.Lines) == refusedBefore)
        {
            await using var connection = await cluster.Coordinator.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync("DELETE FROM penguin_topology.held_events WHERE seq = ANY($1)", cancellationToken, released.ToArray());
        }
        return sent;
    }

    private const string Rejected = "\0rejected";
    private const string Held = "\0held";

    private static string? TenantOf(object record, Dictionary<(string Kind, string Id), string> parents, Dictionary<string, List<string>> emailTenants) => record switch
    {
        TenantRecord t => t.Id,
        CompanyRecord c => c.TenantId,
        CampaignRecord c => parents.GetValueOrDefault(("company", c.CompanyId)),
        MailboxRecord m => parents.GetValueOrDefault(("company", m.CompanyId)),
        LeadRecord l => parents.GetValueOrDefault(("company", l.CompanyId)),
        SequenceStepRecord s => parents.GetValueOrDefault(("campaign", s.CampaignId)),
        EmailEventRecord { Kind: EmailEventKind.Sent } e =>
            (e.CampaignId is not null ? parents.GetValueOrDefault(("campaign", e.CampaignId)) : null)
            ?? (e.MailboxId is not null ? parents.GetValueOrDefault(("mailbox", e.MailboxId)) : null),
        EmailEventRecord { Kind: EmailEventKind.MailboxHealth } e => e.MailboxId is null ? null : parents.GetValueOrDefault(("mailbox", e.MailboxId)),
        EmailEventRecord { TenantId: not null } e => e.TenantId,
        EmailEventRecord e => emailTenants.GetValueOrDefault(e.EmailId!) is [var only] ? only : null,
        _ => null,
    };

    // (kind, id) -> tenant for every company, campaign, mailbox, lead and step the batch refers to.
    private async Task<Dictionary<(string Kind, string Id), string>> ParentsAsync(List<RoutedLine> lines, CancellationToken cancellationToken)
    {
        var known = new Dictionary<(string Kind, string Id), string>();
        var companyOf = new Dictionary<(string Kind, string Id), string>();
        foreach (var line in lines)
        {
            switch (line.Record)
            {
                case CompanyRecord c:
                    known[("company", c.Id)] = c.TenantId;
                    break;
                case CampaignRecord c:
                    companyOf[("campaign", c.Id)] = c.CompanyId;
                    break;
                case MailboxRecord m:
                    companyOf[("mailbox", m.Id)] = m.CompanyId;
                    break;
                case LeadRecord l:
                    companyOf[("lead", l.Id)] = l.CompanyId;
                    break;
            }
        }
        var wanted = new Dictionary<string, HashSet<string>>
        {
            ["company"] = [], ["campaign"] = [], ["mailbox"] = [], ["lead"] = [], ["sequence_step"] = [],
        };
        void Want(string kind, string? id)
        {
            if (id is not null && !known.ContainsKey((kind, id)) && !companyOf.ContainsKey((kind, id)))
            {
                wanted[kind].Add(id);
            }
        }
        foreach (var line in lines)
        {
            switch (line.Record)
            {
                case CampaignRecord c: Want("company", c.CompanyId); break;
                case MailboxRecord m: Want("company", m.CompanyId); break;
                case LeadRecord l: Want("company", l.CompanyId); break;
                case SequenceStepRecord s: Want("campaign", s.CampaignId); break;
                case EmailEventRecord { Kind: EmailEventKind.Sent } e: Want("campaign", e.CampaignId); Want("mailbox", e.MailboxId); break;
                case EmailEventRecord { Kind: EmailEventKind.MailboxHealth } e: Want("mailbox", e.MailboxId); break;
            }
        }
        foreach (var id in companyOf.Values)
        {
            Want("company", id);
        }
        if (wanted.Values.Any(w => w.Count > 0))
        {
            await AskEveryShardAsync("route_entities.sql",
                [wanted["company"].ToArray(), wanted["campaign"].ToArray(), wanted["mailbox"].ToArray(), wanted["lead"].ToArray(), wanted["sequence_step"].ToArray()],
                row => known[((string)row[0], (string)row[1])] = (string)row[2], cancellationToken);
        }
        foreach (var (key, company) in companyOf)
        {
            if (known.TryGetValue(("company", company), out var tenant))
            {
                known.TryAdd(key, tenant);
            }
        }
        return known;
    }

    // email id -> the tenants that sent it: this batch's email.sent lines, else the shards' emails.
    private async Task<Dictionary<string, List<string>>> EmailTenantsAsync(List<RoutedLine> lines, Dictionary<(string Kind, string Id), string> parents, CancellationToken cancellationToken)
    {
        var tenants = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string email, string tenant)
        {
            if (!tenants.TryGetValue(email, out var list))
            {
                tenants[email] = list = [];
            }
            if (!list.Contains(tenant))
            {
                list.Add(tenant);
            }
        }
        foreach (var line in lines)
        {
            if (line.Record is EmailEventRecord { Kind: EmailEventKind.Sent, EmailId: { } email } sent && TenantOf(sent, parents, tenants) is { } tenant)
            {
                Add(email, tenant);
            }
        }
        var unknown = lines
            .Select(l => l.Record)
            .OfType<EmailEventRecord>()
            .Where(e => e.Kind is not (EmailEventKind.Sent or EmailEventKind.MailboxHealth) && e.TenantId is null && e.EmailId is not null && !tenants.ContainsKey(e.EmailId))
            .Select(e => e.EmailId!)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (unknown.Length > 0)
        {
            await AskEveryShardAsync("route_emails.sql", [unknown], row => Add((string)row[0], (string)row[1]), cancellationToken);
        }
        return tenants;
    }

    // A lookup asked of every shard side by side, each on its own (not through the coordinator's
    // cluster-wide tables, which fail whole when one shard is down): a shard that does not answer
    // is noted in `unreachable` and the others' rows are used.
    private async Task AskEveryShardAsync(string file, object[] parameters, Action<object[]> row, CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(cluster.Shards.Select(async shard =>
        {
            var rows = new List<object[]>();
            try
            {
                var database = cluster.DatabaseOf(shard);
                await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
                await using var command = connection.CreateCommand(database.Sql.Get(SqlFolder, file), parameters);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var values = new object[reader.FieldCount];
                    reader.GetValues(values);
                    rows.Add(values);
                }
                return (shard, rows, Failure: (string?)null);
            }
            catch (DatabaseUnavailableException e)
            {
                return (shard, rows, Failure: e.Message);
            }
        }));
        foreach (var (shard, rows, failure) in answers)
        {
            if (failure is not null)
            {
                unreachable[shard] = failure;
            }
            rows.ForEach(row);
        }
    }

    private async Task HoldAsync(List<RoutedLine> held, CancellationToken cancellationToken)
    {
        if (held.Count == 0)
        {
            return;
        }
        await using var connection = await cluster.Coordinator.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO penguin_topology.held_events (email_id, line_number, line) SELECT * FROM unnest($1::TEXT[], $2::BIGINT[], $3::TEXT[])",
            cancellationToken, held.Select(h => h.EmailId!).ToArray(), held.Select(h => h.Line).ToArray(), held.Select(h => h.Text).ToArray());
    }
}
