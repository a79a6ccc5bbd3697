using System.CommandLine;
using System.Globalization;
using PenguinMails.Analytics.Cli.Output;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary>
/// <c>penguin-analytics report campaigns|steps|mailboxes|warmup|usage|activity</c>: the API's reports
/// on the command line, through the same named queries, on the <c>report_generation</c> pool.
/// Without <c>--tenant</c>, <c>usage</c> and <c>activity</c> cover every tenant (the operator is the platform admin).
/// </summary>
public static class ReportCommand
{
    private static readonly string[] Kinds = ["campaigns", "steps", "mailboxes", "warmup", "usage", "activity"];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var kind = new Argument<string>("report") { Description = string.Join(", ", Kinds) };
        kind.AcceptOnlyFromAmong(Kinds);
        var tenant = new Option<string?>("--tenant") { Description = "The tenant (required except for usage and activity)." };
        var campaign = new Option<string?>("--campaign") { Description = "The campaign (for steps)." };
        var from = CommonOptions.Day("--from", "First UTC day; default 30 days before --to (365 for usage).");
        var to = CommonOptions.Day("--to", "Day after the last; default tomorrow.");
        var limit = CommonOptions.Limit(1000);
        var format = OutputFormatOption.Create();
        var command = new Command("report", "Print one of the analytics reports.") { kind, tenant, campaign, from, to, limit, format };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            await new SchemaMigrator(database).EnsureCurrentAsync(ct);
            var report = parse.GetRequiredValue(kind);
            var tenantId = parse.GetValue(tenant);
            if (tenantId is null && report is not ("usage" or "activity"))
            {
                throw new AnalyticsException($"report {report} needs --tenant.");
            }
            if (tenantId is not null)
            {
                await KnownTenants.RequireAsync(database, tenantId, ct);
            }
            var end = parse.GetValue(to) ?? DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
            var start = parse.GetValue(from) ?? end.AddDays(report == "usage" ? -365 : -30);
            if (start >= end)
            {
                throw new AnalyticsException("--from must be before --to (to is exclusive).");
            }
            var rowLimit = parse.GetValue(limit);
            var scope = new TenantScope(tenantId ?? "", IsAdmin: tenantId is null);
            using var pools = await WorkloadPools.LoadAsync(database, ct);
            var query = new ScopedQuery(database, pools);
            Task<ScopedRows> Read(string name, params object?[] values) => query.ReadAsync(scope, name, PoolTypes.Reports, ct, values);

            ScopedRows rows;
            List<StepComparison.Comparison>? comparisons = null;
            switch (report)
            {
                case "campaigns":
                    rows = await Read("campaign_dashboard", start, end, null, null, rowLimit, 0);
                    break;
                case "steps":
                    var id = parse.GetValue(campaign) ?? throw new AnalyticsException("report steps needs --campaign.");
                    (rows, comparisons) = StepComparison.Compare(await Read("sequence_steps", start, end, id));
                    if (rows.Rows.Count == 0)
                    {
                        throw new AnalyticsException($"No campaign '{id}' with steps for tenant {tenantId}.");
                    }
                    break;
                case "mailboxes":
                    rows = await Read("mailbox_performance", start, end, null, null, rowLimit, 0);
                    break;
                case "warmup":
                    rows = await Read("warmup_progression", start, end, null, rowLimit, 0);
                    break;
                case "usage":
                    rows = await Read("usage", start, end, rowLimit, 0);
                    break;
                default:
                    rows = await Read("admin_activity", start, end, rowLimit, 0);
                    break;
            }
            await using (var result = QueryResult.FromRows(rows, database))
            {
                await RowsPrinter.PrintAsync(result, parse.GetValue(format), ct);
            }
            if (comparisons is { Count: > 0 } && parse.GetValue(format) == OutputFormat.Table)
            {
                Console.Out.WriteLine("A/B comparisons (two-sided two-proportion z-test, significant at p < 0.05):");
                foreach (var c in comparisons)
                {
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  step {c.StepNumber} {c.Metric}: {c.Control} {c.ControlRate}% vs {c.Variant} {c.VariantRate}% (z {c.Z}, p {c.PValue}): {c.Verdict}"));
                }
            }
            return 0;
        }, cancellationToken));
        return command;
    }
}
