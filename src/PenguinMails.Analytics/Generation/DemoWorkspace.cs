using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Ingestion;
using PenguinMails.Analytics.Jobs;
using PenguinMails.Analytics.Security;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Generation;

/// <summary>
/// What <c>serve --demo</c> prepares: on a database without tenants, four tenants with four months
/// of campaigns (A/B steps, mailboxes in warmup, a few unhealthy ones), ingested and aggregated
/// through the real pipeline; on every run, fresh demo keys (the previous run's are revoked, since
/// secrets are never stored and cannot be shown again).
/// </summary>
public sealed class DemoWorkspace(AnalyticsDatabase database)
{
    /// <summary>The name every demo key carries, so that the next run can revoke them.</summary>
    public const string KeyName = "demo";

    private const int TenantCount = 4;

    /// <summary>One demo key and whom it signs in as.</summary>
    public sealed record DemoKey(ApiKeyRole Role, string TenantId, string TenantName, string Token);

    /// <summary>What the demo is made of.</summary>
    public sealed record Result(bool Generated, long Lines, IReadOnlyList<DemoKey> Keys);

    /// <summary>Generates the data when the database has none, then mints the demo keys.</summary>
    public async Task<Result> PrepareAsync(TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        long lines = 0;
        var generated = await IsEmptyAsync(cancellationToken);
        if (generated)
        {
            lines = await GenerateAsync(log, cancellationToken);
        }
        else
        {
            await log.WriteLineAsync("demo: the database has data already; reusing it");
        }
        return new Result(generated, lines, await MintKeysAsync(cancellationToken));
    }

    private async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        return await connection.ScalarAsync<long>("SELECT COUNT(*) FROM tenants", cancellationToken) == 0;
    }

    private async Task<long> GenerateAsync(TextWriter log, CancellationToken cancellationToken)
    {
        var options = new WorkloadOptions
        {
            Tenants = TenantCount, Emails = 60_000, Days = 120, Seed = 2026,
            // Traffic up to this moment: today has its morning so far, nothing is in the future.
            End = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1), Until = DateTime.UtcNow,
        };
        await log.WriteLineAsync($"demo: generating {options.Tenants} tenants, {options.Emails:N0} emails over {options.Days} days");
        var file = Path.Combine(Path.GetTempPath(), $"penguin-analytics-demo-{Guid.NewGuid():N}.ndjson");
        try
        {
            await using (var output = File.Create(file))
            {
                await new WorkloadGenerator(options).WriteAsync(output, cancellationToken);
            }
            IngestResult ingested;
            await using (var input = File.OpenRead(file))
            {
                ingested = await new Ingestor(database).IngestAsync(input, null, cancellationToken);
            }
            if (ingested.Rejected > 0)
            {
                throw new InvalidOperationException($"the demo workload had {ingested.Rejected} rejected lines: {ingested.Errors[0].Reason}");
            }
            await log.WriteLineAsync($"demo: ingested {ingested.Accepted:N0} lines; aggregating");
            await new JobRunner(database, JobHandlers.All(database, new Aggregator(database))).RunUntilIdleAsync(cancellationToken);
            return ingested.Accepted;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<IReadOnlyList<DemoKey>> MintKeysAsync(CancellationToken cancellationToken)
    {
        var store = new ApiKeyStore(database);
        foreach (var old in await store.ListAsync(null, cancellationToken))
        {
            if (old.Name == KeyName && old.Revoked is null)
            {
                await store.RevokeAsync(old.Id, AdminActor.CommandLine, cancellationToken);
            }
        }
        var keys = new List<DemoKey>();
        foreach (var (role, tenant) in new[] { (ApiKeyRole.Admin, 0), (ApiKeyRole.TenantAdmin, 1), (ApiKeyRole.Viewer, 1), (ApiKeyRole.Viewer, 2), (ApiKeyRole.Ingest, 1) })
        {
            var tenantId = tenant == 0 ? ApiKey.PlatformTenant : $"t{tenant}";
            var (_, token) = await store.CreateAsync(tenantId, role, KeyName, AdminActor.CommandLine, cancellationToken);
            keys.Add(new DemoKey(role, tenantId, tenant == 0 ? "all tenants" : WorkloadNames.Tenant(tenant), token));
        }
        return keys;
    }
}
