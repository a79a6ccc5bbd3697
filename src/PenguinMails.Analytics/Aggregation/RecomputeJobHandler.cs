using PenguinMails.Analytics.Jobs;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Aggregation;

/// <summary>
/// The jobs that rebuild aggregates from the raw store, each a <see cref="RecomputeScope"/>:
/// <c>recompute</c> (a tenant, optionally <c>{from, to}</c>) and the guide's three,
/// <c>daily-aggregate {date, tenant_id}</c>, <c>campaign-aggregate {campaign_id, date}</c> and
/// <c>billing-calculate {tenant_id, period_start, period_end}</c>.
/// </summary>
public sealed class RecomputeJobHandler(AnalyticsDatabase database, Aggregator aggregator) : IJobHandler
{
    public IReadOnlyCollection<string> JobTypes { get; } =
        [Jobs.JobTypes.Recompute, Jobs.JobTypes.DailyAggregate, Jobs.JobTypes.CampaignAggregate, Jobs.JobTypes.BillingCalculate];

    public async Task RunAsync(Job job, JobPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(payload);
        await aggregator.RecomputeAsync(await ScopeAsync(job, payload, cancellationToken), cancellationToken);
    }

    private async Task<RecomputeScope> ScopeAsync(Job job, JobPayload payload, CancellationToken cancellationToken)
    {
        switch (job.Type)
        {
            case Jobs.JobTypes.DailyAggregate:
            {
                var date = payload.RequiredDate("date");
                return new RecomputeScope(payload.RequiredString("tenant_id"), date, date.AddDays(1));
            }
            case Jobs.JobTypes.CampaignAggregate:
            {
                // A campaign's rows share billing periods with its tenant's other rows, so the
                // tenant's periods holding that date are rebuilt (still one set-based pass).
                var date = payload.RequiredDate("date");
                var campaign = payload.RequiredString("campaign_id");
                await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
                var tenant = await connection.ScalarAsync<string>(database.Sql.Get("Aggregation/Sql", "campaign_tenant.sql"), cancellationToken, campaign)
                    ?? throw new AnalyticsException($"unknown campaign '{campaign}'");
                return new RecomputeScope(tenant, date, date.AddDays(1));
            }
            case Jobs.JobTypes.BillingCalculate:
                return new RecomputeScope(payload.RequiredString("tenant_id"), payload.RequiredDate("period_start"), payload.RequiredDate("period_end"));
            default:
                return new RecomputeScope(job.TenantId ?? payload.OptionalString("tenant_id"), payload.OptionalDate("from"), payload.OptionalDate("to"));
        }
    }
}
