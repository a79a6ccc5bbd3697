using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Security;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;
using Spectre.Console;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary><c>penguin-analytics limits list|set</c>: per-tenant rate limits (each change audited).</summary>
public static class LimitsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var listTenant = new Option<string?>("--tenant") { Description = "Only this tenant's limits." };
        var list = new Command("list", "List rate limits (a tenant without any gets the server's default).") { listTenant };
        // On a cluster a tenant's limits live on its shard, where its requests are counted; the list reads every shard's.
        list.SetAction((parse, cancellationToken) => CommandRunner.RunForTenantAsync(parse.GetValue(CommonOptions.Database), () => parse.GetValue(listTenant), async (services, ct) =>
        {
            var database = services.GetRequiredService<AnalyticsDatabase>();
            await new SchemaMigrator(database).EnsureCurrentAsync(ct);
            var table = new Table().AddColumns("tenant", "query type", "max queries", "window (s)", "active");
            foreach (var limit in await services.GetRequiredService<RateLimitSettings>().ListAsync(parse.GetValue(listTenant), ct))
            {
                table.AddRow(Markup.Escape(limit.TenantId), limit.QueryType, $"{limit.MaxQueries}", $"{limit.WindowSeconds}", limit.IsActive ? "yes" : "no");
            }
            AnsiConsole.Write(table);
            return 0;
        }, cancellationToken));

        var tenant = new Option<string>("--tenant") { Description = "The tenant.", Required = true };
        var queryType = new Option<string>("--query-type") { Description = "dashboard, report, export or api.", Required = true };
        queryType.AcceptOnlyFromAmong([.. RateLimitSettings.QueryTypes]);
        var max = new Option<int>("--max") { Description = "Queries allowed per window.", Required = true };
        var window = new Option<int>("--window-seconds") { Description = "The window.", DefaultValueFactory = _ => 60 };
        var inactive = new Option<bool>("--inactive") { Description = "Keep the row but stop applying it." };
        var set = new Command("set", "Create or change a rate limit; the change is written to admin_audit_logs.") { tenant, queryType, max, window, inactive };
        set.SetAction((parse, cancellationToken) => CommandRunner.RunForTenantAsync(parse.GetValue(CommonOptions.Database), () => parse.GetRequiredValue(tenant), async (services, ct) =>
        {
            var database = services.GetRequiredService<AnalyticsDatabase>();
            await new SchemaMigrator(database).EnsureCurrentAsync(ct);
            var limit = new RateLimitSettings.RateLimit(parse.GetRequiredValue(tenant), parse.GetRequiredValue(queryType), parse.GetValue(max),
                parse.GetValue(window), !parse.GetValue(inactive));
            var old = await services.GetRequiredService<RateLimitSettings>().SetAsync(limit, AdminActor.CommandLine, ct);
            Console.Out.WriteLine(old is null
                ? $"tenant {limit.TenantId}: {limit.QueryType} limited to {limit.MaxQueries} per {limit.WindowSeconds} s"
                : $"tenant {limit.TenantId}: {limit.QueryType} per {limit.WindowSeconds} s changed from {old.MaxQueries} to {limit.MaxQueries}");
            return 0;
        }, cancellationToken));

        return new Command("limits", "Manage per-tenant rate limits.") { list, set };
    }
}
