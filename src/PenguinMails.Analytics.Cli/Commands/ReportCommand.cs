using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PenguinMails.Analytics.Cli.Output;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary>
/// <c>penguin-analytics report NAME</c>: any of the API's reports (<see cref="Reports"/>) on the
/// command line, with the same filters and checks, on the <c>report_generation</c> pool. Without
/// <c>--tenant</c> a platform-wide report (usage, tenants, the admin's reads) covers every tenant:
/// the operator is the platform admin.
/// </summary>
public static class ReportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var kind = new Argument<string>("report") { Description = "The report to print (one of the names above; the API's reports and exports use the same names)." };
        kind.AcceptOnlyFromAmong([.. Reports.Names]);
        var tenant = new Option<string?>("--tenant") { Description = "The tenant (required except for usage, tenants and the admin's reports)." };
        var filters = new ReportFilterOptions();
        var from = CommonOptions.Day("--from", "First UTC day; default 30 days before --to (365 for usage).");
        var to = CommonOptions.Day("--to", "Day after the last; default tomorrow.");
        var limit = CommonOptions.Limit(1000);
        var format = OutputFormatOption.Create();
        var command = new Command("report", "Print one of the analytics reports.") { kind, tenant, from, to, limit, format };
        foreach (var option in filters.All)
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, cancellationToken) => CommandRunner.RunForTenantAsync(parse.GetValue(CommonOptions.Database), () => parse.GetValue(tenant), async (services, ct) =>
        {
            var database = services.GetRequiredService<AnalyticsDatabase>();
            await new SchemaMigrator(database).EnsureCurrentAsync(ct);
            var report = Reports.Find(parse.GetRequiredValue(kind));
            var tenantId = parse.GetValue(tenant);
            if (tenantId is null && !report.PlatformWide)
            {
                throw new AnalyticsException($"report {report.Name} needs --tenant.");
            }
            if (tenantId is not null)
            {
                await KnownTenants.RequireAsync(database, tenantId, ct);
            }
            var end = parse.GetValue(to) ?? DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
            var filter = filters.Bind(parse, parse.GetValue(from) ?? end.AddDays(-report.DefaultDays), end);
            var scope = new TenantScope(tenantId ?? "", IsAdmin: tenantId is null);
            if (report.Required.FirstOrDefault(name => filter[name] is null) is { } missing)
            {
                throw new AnalyticsException($"report {report.Name} needs {ReportFilterOptions.Flag(missing)}.");
            }
            if (report.Problem(filter, scope.IsAdmin) is { } problem)
            {
                throw new AnalyticsException(problem);
            }
            var query = services.GetRequiredService<ScopedQuery>();
            if (await query.UnseenSubjectAsync(scope, report, filter, PoolTypes.Reports, ct) is var (subjectKind, id))
            {
                throw new AnalyticsException($"No {subjectKind} '{id}'{(tenantId is null ? "" : $" for tenant {tenantId}")}.");
            }
            var rows = await query.ReadAsync(scope, report, filter, new Page(parse.GetValue(limit), 0), PoolTypes.Reports, ct);
            var comparisons = new List<StepComparison.Comparison>();
            if (report == Reports.Steps)
            {
                (rows, comparisons) = StepComparison.Compare(rows);
            }
            await using (var result = QueryResult.FromRows(rows, database))
            {
                await RowsPrinter.PrintAsync(result, parse.GetValue(format), ct);
            }
            if (comparisons.Count > 0 && parse.GetValue(format) == OutputFormat.Table)
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
