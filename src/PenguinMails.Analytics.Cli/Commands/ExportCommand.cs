using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Exports;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;
using Spectre.Console;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary>
/// <c>penguin-analytics export create|list|approve|reject|download</c>: the governed exports of
/// the API from the command line, under the same controls. A queued export is written at once
/// (no server needed); the files and key are those of <see cref="ExportOptions.FromEnvironment"/>.
/// </summary>
public static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant whose data is exported.", Required = true };
        var report = new Option<string>("--report") { Description = $"One of {string.Join(", ", Reports.Names)}.", Required = true };
        var format = new Option<string>("--format") { Description = "csv, json, xlsx or pdf.", Required = true };
        format.AcceptOnlyFromAmong([.. ExportFormat.All]);
        var from = CommonOptions.Day("--from", "First day; default 30 days before --to.");
        var to = CommonOptions.Day("--to", "Day after the last; default tomorrow.");
        var filters = new ReportFilterOptions();
        var password = new Option<string?>("--pdf-password") { Description = "Protect a PDF with this password." };
        var output = new Option<string?>("--out") { Description = "Write the file here once it is ready." };
        var create = new Command("create", "Request an export; it is written at once unless it waits for approval.")
        {
            tenant, report, format, from, to, password, output,
        };
        foreach (var option in filters.All)
        {
            create.Options.Add(option);
        }
        create.SetAction((parse, cancellationToken) => RunAsync(parse, (_, _) => Task.FromResult<string?>(parse.GetRequiredValue(tenant)), async (database, exports, ct) =>
        {
            var (first, next) = Range(parse.GetValue(from), parse.GetValue(to));
            var request = new ExportService.Request(parse.GetRequiredValue(report), parse.GetRequiredValue(format),
                filters.Bind(parse, first, next), parse.GetValue(password));
            var record = await exports.RequestAsync(new ExportService.Requester(parse.GetRequiredValue(tenant), AdminActor.CommandLine.UserId, false), request, ct);
            await exports.AuditAccessAsync(AdminActor.CommandLine.UserId, record.TenantId, $"request {record.Id}", null, true, null, ct);
            return await FinishAsync(exports, record, parse.GetValue(output), ct);
        }, cancellationToken));

        var listTenant = new Option<string?>("--tenant") { Description = "Only this tenant's exports." };
        var list = new Command("list", "List exports, newest first.") { listTenant };
        list.SetAction((parse, cancellationToken) => RunAsync(parse, (_, _) => Task.FromResult(parse.GetValue(listTenant)), async (database, exports, ct) =>
        {
            var scope = parse.GetValue(listTenant) is { } t ? new TenantScope(t, false) : TenantScope.Platform;
            var table = new Table().AddColumns("id", "tenant", "report", "format", "status", "rows", "requested", "expires");
            foreach (var e in await exports.ListAsync(scope, 500, ct))
            {
                table.AddRow(e.Id, Markup.Escape(e.TenantId), e.Report, e.Format, e.Status, e.RowsExported?.ToString(CultureInfo.InvariantCulture) ?? "",
                    e.Requested.ToString("u", CultureInfo.InvariantCulture), e.Expires?.ToString("u", CultureInfo.InvariantCulture) ?? "");
            }
            AnsiConsole.Write(table);
            return 0;
        }, cancellationToken));

        var exportId = new Argument<string>("id") { Description = "The export id." };
        var note = new Option<string?>("--note") { Description = "Why." };
        var decisionOutput = new Option<string?>("--out") { Description = "Write the file here once it is ready (approve)." };
        var approve = new Command("approve", "Approve a pending export (audited); it is written at once.") { exportId, note, decisionOutput };
        approve.SetAction((parse, cancellationToken) => RunAsync(parse, (cluster, ct) => TenantOfExportAsync(cluster, parse.GetRequiredValue(exportId), ct), async (database, exports, ct) =>
        {
            var record = await exports.DecideAsync(TenantScope.Platform, parse.GetRequiredValue(exportId), true, parse.GetValue(note), AdminActor.CommandLine, AdminActor.CommandLine.UserId, ct);
            return await FinishAsync(exports, record, parse.GetValue(decisionOutput), ct);
        }, cancellationToken));
        var reject = new Command("reject", "Reject a pending export (audited).") { exportId, note };
        reject.SetAction((parse, cancellationToken) => RunAsync(parse, (cluster, ct) => TenantOfExportAsync(cluster, parse.GetRequiredValue(exportId), ct), async (database, exports, ct) =>
        {
            var record = await exports.DecideAsync(TenantScope.Platform, parse.GetRequiredValue(exportId), false, parse.GetValue(note), AdminActor.CommandLine, AdminActor.CommandLine.UserId, ct);
            Console.Out.WriteLine($"export {record.Id} rejected");
            return 0;
        }, cancellationToken));

        var downloadOutput = new Option<string>("--out") { Description = "Where to write the file.", Required = true };
        var download = new Command("download", "Write a ready export to a file (decrypted).") { exportId, downloadOutput };
        download.SetAction((parse, cancellationToken) => RunAsync(parse, (cluster, ct) => TenantOfExportAsync(cluster, parse.GetRequiredValue(exportId), ct), async (database, exports, ct) =>
        {
            var record = await exports.GetAsync(TenantScope.Platform, parse.GetRequiredValue(exportId), ct)
                ?? throw new AnalyticsException($"No export '{parse.GetRequiredValue(exportId)}'.");
            await DownloadAsync(exports, record, parse.GetRequiredValue(downloadOutput), ct);
            return 0;
        }, cancellationToken));

        return new Command("export", "Governed exports (csv, json, xlsx, pdf) under the tenant's export controls.") { create, list, approve, reject, download };
    }

    // On a cluster, on the shard of the tenant <paramref name="tenantOf"/> names (none: every tenant's exports, read across the shards).
    private static Task<int> RunAsync(ParseResult parse, Func<AnalyticsDatabase, CancellationToken, Task<string?>> tenantOf,
        Func<AnalyticsDatabase, ExportService, CancellationToken, Task<int>> body, CancellationToken cancellationToken) =>
        CommandRunner.RunForTenantAsync(parse.GetValue(CommonOptions.Database), tenantOf, async (services, ct) =>
        {
            var database = services.GetRequiredService<AnalyticsDatabase>();
            await new SchemaMigrator(database).EnsureCurrentAsync(ct);
            return await body(database, services.GetRequiredService<ExportService>(), ct);
        }, cancellationToken);

    // The tenant of an export, over every shard (null when none has it: the command then says so).
    private static async Task<string?> TenantOfExportAsync(AnalyticsDatabase clusterWide, string id, CancellationToken cancellationToken)
    {
        await using var connection = await clusterWide.OpenCrossTenantConnectionAsync(cancellationToken);
        return await connection.ScalarAsync<string>("SELECT tenant_id FROM analytics_exports WHERE id = $1", cancellationToken, id);
    }

    // A queued export is written here and now; one that waits for approval says so.
    private static async Task<int> FinishAsync(ExportService exports, ExportRecord record, string? output, CancellationToken cancellationToken)
    {
        if (record.Status == "pending_approval")
        {
            Console.Out.WriteLine($"export {record.Id} waits for approval: penguin-analytics export approve {record.Id}");
            return 0;
        }
        await exports.RunAsync(record.Id, cancellationToken);
        var done = await exports.GetAsync(TenantScope.Platform, record.Id, cancellationToken) ?? record;
        if (done.Status != "ready")
        {
            throw new AnalyticsException($"export {done.Id} {done.Status}: {done.Error}");
        }
        Console.Out.WriteLine($"export {done.Id} ready: {done.RowsExported:N0} rows, {done.FileBytes:N0} bytes{(done.Encrypted ? " encrypted at rest" : "")}, expires {done.Expires:yyyy-MM-dd HH:mm} UTC");
        if (output is not null)
        {
            await DownloadAsync(exports, done, output, cancellationToken);
        }
        return 0;
    }

    private static async Task DownloadAsync(ExportService exports, ExportRecord record, string output, CancellationToken cancellationToken)
    {
        var (ready, writeTo) = await exports.OpenDownloadAsync(TenantScope.Platform, record.Id, cancellationToken);
        await using (var file = File.Create(output))
        {
            await writeTo(file, cancellationToken);
        }
        await exports.AuditAccessAsync(AdminActor.CommandLine.UserId, ready.TenantId, $"download {ready.Id}", ready.RowsExported, true, null, cancellationToken);
        Console.Out.WriteLine($"wrote {output}");
    }

    private static (DateOnly From, DateOnly To) Range(DateOnly? from, DateOnly? to)
    {
        var next = to ?? DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
        return (from ?? next.AddDays(-30), next);
    }
}
