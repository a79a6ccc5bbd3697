using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CsvHelper;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using PdfSharp.Pdf.IO;
using PenguinMails.Analytics.Exports;
using PenguinMails.Analytics.IntegrationTests.Pipeline;

namespace PenguinMails.Analytics.IntegrationTests.Api;

/// <summary>Governed exports through the API: every format read back, controls, approval, expiry, encryption, isolation.</summary>
public abstract partial class ApiConformanceTests
{
    private static readonly byte[] ExportKey = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7))];

    private const string ExportRange = "2026-01-01";

    private async Task<JsonElement> RequestExportAsync(string key, object body, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        var response = await SendAsync(HttpMethod.Post, "/v1/exports", key, JsonSerializer.Serialize(body), json: true);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private async Task<JsonElement> WaitForExportAsync(string id, string key, string status = "ready")
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            using var document = JsonDocument.Parse(await (await SendAsync(HttpMethod.Get, $"/v1/exports/{id}", key)).Content.ReadAsStringAsync(Ct));
            var current = document.RootElement.GetProperty("status").GetString();
            if (current == status)
            {
                return document.RootElement.Clone();
            }
            Assert.True(current != "failed", $"export {id} failed: {document.RootElement.GetProperty("error")}");
            await Task.Delay(50, Ct);
        }
        throw new TimeoutException($"export {id} never became {status}");
    }

    private async Task<byte[]> DownloadAsync(string id, string key)
    {
        var response = await SendAsync(HttpMethod.Get, $"/v1/exports/{id}/download", key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(Ct);
    }

    private async Task<List<JsonElement>> ExportedCampaignsExpectedAsync()
    {
        Assert.Equal(0, (await Pipeline.IngestAsync(PipelineFixture.Workload(71, tenants: 2, emails: 500, days: 20))).Rejected);
        await Pipeline.FoldAsync();
        return [.. (await DataAsync($"/v1/campaigns?from={ExportRange}&to=2027-01-01&limit=1000", keys["a-viewer"])).EnumerateArray()];
    }

    [Fact]
    public async Task exports_in_every_format_read_back_with_the_apis_rows_and_a_watermark()
    {
        var expected = await ExportedCampaignsExpectedAsync();
        var expectedIds = expected.Select(r => r.GetProperty("campaign_id").GetString()).ToList();
        var viewerId = keys["a-viewer"].Split('_')[1];
        Assert.NotEmpty(expectedIds);

        foreach (var format in ExportFormat.All)
        {
            var requested = await RequestExportAsync(keys["a-viewer"], new { report = "campaigns", format, from = ExportRange, to = "2027-01-01" });
            Assert.Equal(("queued", true), (requested.GetProperty("status").GetString(), requested.GetProperty("encrypted").GetBoolean()));
            var id = requested.GetProperty("id").GetString()!;
            var ready = await WaitForExportAsync(id, keys["a-viewer"]);
            Assert.Equal(expected.Count, ready.GetProperty("rows_exported").GetInt32());
            var bytes = await DownloadAsync(id, keys["a-viewer"]);

            // At rest the file is ciphertext: no campaign id in it, and another key cannot open it.
            var stored = Directory.GetFiles(exportDirectory, $"{id}.*", SearchOption.AllDirectories).Single();
            var raw = await File.ReadAllBytesAsync(stored, Ct);
            Assert.Equal("PMX1", Encoding.ASCII.GetString(raw, 0, 4));
            Assert.DoesNotContain(expectedIds[0]!, Encoding.Latin1.GetString(raw), StringComparison.Ordinal);
            await Assert.ThrowsAsync<AnalyticsException>(() => new ExportCipher(new byte[32]).DecryptAsync(new MemoryStream(raw), Stream.Null, Ct));

            switch (format)
            {
                case ExportFormat.Csv:
                {
                    var text = Encoding.UTF8.GetString(bytes);
                    Assert.StartsWith($"# PenguinMails Analytics export {id} · tenant t1 · requested by {viewerId}", text, StringComparison.Ordinal);
                    using var csv = CsvReader.FromText(text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..], CsvReaderOptions.Default);
                    var (ids, sent, human) = (new List<string?>(), new List<string?>(), new List<string?>());
                    while (csv.Read())
                    {
                        ids.Add(csv.GetString("campaign_id"));
                        sent.Add(csv.GetString("sent"));
                        human.Add(csv.GetString("replied_human"));
                    }
                    Assert.Equal(expectedIds, ids);
                    // The trusted counters are exported too.
                    Assert.Equal(expected.Select(r => r.GetProperty("replied_human").GetInt64().ToString(CultureInfo.InvariantCulture)), human);
                    Assert.Equal(expected.Select(r => r.GetProperty("sent").GetInt64().ToString(CultureInfo.InvariantCulture)), sent);
                    break;
                }
                case ExportFormat.Json:
                {
                    using var json = JsonDocument.Parse(bytes);
                    Assert.Contains("tenant t1", json.RootElement.GetProperty("watermark").GetString(), StringComparison.Ordinal);
                    var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToList();
                    Assert.Equal(expectedIds, rows.Select(r => r.GetProperty("campaign_id").GetString()));
                    Assert.Equal(expected.Select(r => r.GetProperty("reply_rate").ToString()), rows.Select(r => r.GetProperty("reply_rate").ToString()));
                    break;
                }
                case ExportFormat.Xlsx:
                {
                    using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
                    Assert.Empty(new DocumentFormat.OpenXml.Validation.OpenXmlValidator().Validate(document, Ct).Select(e => $"{e.Path?.XPath}: {e.Description}"));
                    var sheets = document.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().ToList();
                    Assert.Equal(["campaigns", "Watermark"], sheets.Select(s => s.Name!.Value));
                    var data = ((WorksheetPart)document.WorkbookPart.GetPartById(sheets[0].Id!)).Worksheet.Descendants<Row>().ToList();
                    string CellText(Row row, int index) => row.Elements<Cell>().ElementAt(index) is var cell && cell.InlineString is not null ? cell.InlineString.InnerText : cell.CellValue?.Text ?? "";
                    Assert.Contains("tenant t1", CellText(data[0], 0), StringComparison.Ordinal);
                    var header = data[1].Elements<Cell>().Select(c => c.InlineString!.InnerText).ToList();
                    var idColumn = header.IndexOf("campaign_id");
                    var sentColumn = header.IndexOf("sent");
                    Assert.Equal(expectedIds, data.Skip(2).Select(r => CellText(r, idColumn)));
                    Assert.Equal(expected.Select(r => r.GetProperty("sent").GetInt64().ToString(CultureInfo.InvariantCulture)), data.Skip(2).Select(r => CellText(r, sentColumn)));
                    break;
                }
                case ExportFormat.Pdf:
                {
                    using var pdf = PdfReader.Open(new MemoryStream(bytes), PdfDocumentOpenMode.Import);
                    Assert.Contains($"tenant t1 · requested by {viewerId}", pdf.Info.Subject, StringComparison.Ordinal);
                    // The rows as a reader sees them: every campaign, in the API's order.
                    var text = await PdfTextAsync(bytes, password: null);
                    var positions = expectedIds.Select(e => text.IndexOf(e + " ", StringComparison.Ordinal)).ToList();
                    Assert.DoesNotContain(-1, positions);
                    Assert.Equal(positions.Order(), positions);
                    await RenderPdfAsync(bytes, $"export-{Engine}", password: null);
                    break;
                }
            }
        }

        // Every request and download went through the access audit as an export.
        await app!.StopAsync(Ct); // every queued audit row written
        Assert.Equal(8L, await Pipeline.ScalarAsync<long>(
            "SELECT COUNT(*) FROM analytics_access_audit WHERE user_id = $1 AND query_type = 'export' AND table_accessed = 'analytics_exports' AND success", viewerId));
    }

    [Fact]
    public async Task export_controls_refuse_formats_and_row_counts_over_the_limit()
    {
        var campaigns = (await ExportedCampaignsExpectedAsync()).Count;
        Assert.True(campaigns >= 2);
        await Pipeline.ExecuteAsync("INSERT INTO analytics_export_controls (tenant_id, export_type, max_rows, requires_approval) VALUES ('t1', 'csv', $1, FALSE)", campaigns - 1);

        var tooMany = await RequestExportAsync(keys["a-viewer"], new { report = "campaigns", format = "csv", from = ExportRange, to = "2027-01-01" }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains($"more than {campaigns - 1} rows, the limit of tenant t1 for csv exports", tooMany.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var justEnough = await RequestExportAsync(keys["a-viewer"], new { report = "campaigns", format = "csv", from = ExportRange, to = "2027-01-01", company_id = "t1-c1" });
        Assert.Equal("queued", justEnough.GetProperty("status").GetString());
        var notEnabled = await RequestExportAsync(keys["a-viewer"], new { report = "campaigns", format = "json" }, HttpStatusCode.Forbidden);
        Assert.Contains("json exports are not enabled for tenant t1", notEnabled.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var small = await RequestExportAsync(keys["a-viewer"], new { report = "steps", format = "csv", campaign_id = "nope" });
        Assert.Equal(0, (await WaitForExportAsync(small.GetProperty("id").GetString()!, keys["a-viewer"])).GetProperty("rows_exported").GetInt32());

        // Bad requests name the problem; the other tenant's limits are its own.
        Assert.Contains("Unknown report 'gossip'", (await RequestExportAsync(keys["a-viewer"], new { report = "gossip", format = "csv" }, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("needs campaign_id", (await RequestExportAsync(keys["a-viewer"], new { report = "leads", format = "csv" }, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("platform admin", (await RequestExportAsync(keys["a-viewer"], new { report = "audit-logs", format = "csv" }, HttpStatusCode.Forbidden)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("password protects PDF exports only", (await RequestExportAsync(keys["a-viewer"], new { report = "campaigns", format = "csv", pdf_password = "secret-1" }, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await RequestExportAsync(keys["b-viewer"], new { report = "campaigns", format = "json", from = ExportRange, to = "2027-01-01" });
    }

    [Fact]
    public async Task an_export_that_needs_approval_waits_for_a_second_person_and_the_decision_is_audited()
    {
        await ExportedCampaignsExpectedAsync();
        await Pipeline.ExecuteAsync("INSERT INTO analytics_export_controls (tenant_id, export_type, requires_approval) VALUES ('t1', 'csv', TRUE)");
        var id = (await RequestExportAsync(keys["a-viewer"], new { report = "mailboxes", format = "csv", from = ExportRange, to = "2027-01-01" })).GetProperty("id").GetString()!;
        Assert.Equal("pending_approval", (await WaitForExportAsync(id, keys["a-viewer"], "pending_approval")).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Get, $"/v1/exports/{id}/download", keys["a-viewer"])).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, $"/v1/exports/{id}/approve", keys["a-viewer"], "{}", json: true)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, $"/v1/exports/{id}/approve", keys["b-viewer"], "{}", json: true)).StatusCode); // a viewer may not decide at all, whoever's export
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Post, $"/v1/exports/{id}/approve", keys["b-tenant-admin"], "{}", json: true)).StatusCode); // another tenant's export does not exist
        var approved = await SendAsync(HttpMethod.Post, $"/v1/exports/{id}/approve", keys["a-tenant-admin"], """{"note":"for the quarterly review"}""", json: true);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, $"/v1/exports/{id}/reject", keys["admin"], "{}", json: true)).StatusCode);
        await WaitForExportAsync(id, keys["a-viewer"]);
        var mailboxes = (await DataAsync($"/v1/mailboxes?from={ExportRange}&to=2027-01-01&limit=1000", keys["a-viewer"])).EnumerateArray()
            .Select(m => m.GetProperty("mailbox_id").GetString()).ToList();
        var exported = Encoding.UTF8.GetString(await DownloadAsync(id, keys["a-viewer"]));
        using (var csv = CsvReader.FromText(exported[(exported.IndexOf('\n', StringComparison.Ordinal) + 1)..], CsvReaderOptions.Default))
        {
            var ids = new List<string?>();
            while (csv.Read())
            {
                ids.Add(csv.GetString("mailbox_id"));
            }
            Assert.Equal(mailboxes, ids); // the approved file is the report, row for row
        }
        var listed = (await DataAsync("/v1/exports", keys["a-viewer"])).EnumerateArray().ToList();
        Assert.Equal((id, "ready", "for the quarterly review"), (listed[0].GetProperty("id").GetString(), listed[0].GetProperty("status").GetString(), listed[0].GetProperty("decision_note").GetString()));
        Assert.Empty((await DataAsync("/v1/exports", keys["b-viewer"])).EnumerateArray());

        // Rejected, and never by the key that asked.
        var second = (await RequestExportAsync(keys["a-tenant-admin"], new { report = "mailboxes", format = "csv", from = ExportRange, to = "2027-01-01" })).GetProperty("id").GetString()!;
        var self = await SendAsync(HttpMethod.Post, $"/v1/exports/{second}/approve", keys["a-tenant-admin"], "{}", json: true);
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
        Assert.Contains("key that requested it", await self.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/v1/exports/{second}/reject", keys["admin"], """{"note":"not needed"}""", json: true)).StatusCode);
        Assert.Equal("rejected", (await WaitForExportAsync(second, keys["a-tenant-admin"], "rejected")).GetProperty("status").GetString());

        var tenantAdminId = keys["a-tenant-admin"].Split('_')[1];
        Assert.Equal($"key:{tenantAdminId}|t1|{id}", await Pipeline.ScalarAsync<string>(
            "SELECT admin_user_id || '|' || tenant_id || '|' || resource_id FROM admin_audit_logs WHERE action = 'export.approve'"));
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM admin_audit_logs WHERE action = 'export.reject' AND resource_id = $1", second));
    }

    [Fact]
    public async Task an_expired_export_is_gone_and_another_tenants_export_does_not_exist()
    {
        await ExportedCampaignsExpectedAsync();
        var id = (await RequestExportAsync(keys["a-viewer"], new { report = "usage", format = "json", from = "2025-01-01", to = "2027-01-01" })).GetProperty("id").GetString()!;
        await WaitForExportAsync(id, keys["a-viewer"]);

        foreach (var path in new[] { $"/v1/exports/{id}", $"/v1/exports/{id}/download" })
        {
            Assert.Equal((path, HttpStatusCode.NotFound), (path, (await SendAsync(HttpMethod.Get, path, keys["b-viewer"])).StatusCode));
        }
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, $"/v1/exports/{id}/approve", keys["admin"], "{}", json: true)).StatusCode); // the admin sees it: not pending
        // The admin reads it by id alone (on a cluster: on the shard that has it).
        Assert.Equal("ready", JsonDocument.Parse(await (await SendAsync(HttpMethod.Get, $"/v1/exports/{id}", keys["admin"])).Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("status").GetString());
        if (OnCluster)
        {
            // An export lives on its tenant's shard: across tenants there is none to keep it.
            var across = await RequestExportAsync(keys["admin"], new { report = "usage", format = "json" }, HttpStatusCode.UnprocessableEntity);
            Assert.Equal("On a cluster an export is of one tenant: add ?tenant_id= (reads across tenants are GET requests).", across.GetProperty("detail").GetString());
        }

        await Pipeline.ExecuteAsync("UPDATE analytics_exports SET expires = $2 WHERE id = $1", id, DateTime.UtcNow.AddMinutes(-1));
        var gone = await SendAsync(HttpMethod.Get, $"/v1/exports/{id}/download", keys["a-viewer"]);
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Contains("expired", await gone.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(exportDirectory, $"{id}.*", SearchOption.AllDirectories));
        Assert.Equal("expired", (await WaitForExportAsync(id, keys["a-viewer"], "expired")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task a_pdf_export_can_be_password_protected()
    {
        await ExportedCampaignsExpectedAsync();
        var id = (await RequestExportAsync(keys["a-viewer"], new { report = "campaigns", format = "pdf", from = ExportRange, to = "2027-01-01", pdf_password = "penguin-42" }))
            .GetProperty("id").GetString()!;
        var ready = await WaitForExportAsync(id, keys["a-viewer"]);
        Assert.True(ready.GetProperty("password_protected").GetBoolean());
        var bytes = await DownloadAsync(id, keys["a-viewer"]);

        Assert.ThrowsAny<Exception>(() => PdfReader.Open(new MemoryStream(bytes), PdfDocumentOpenMode.Import));
        using var pdf = PdfReader.Open(new MemoryStream(bytes), "penguin-42", PdfDocumentOpenMode.Import);
        Assert.Contains("t1-c1-k1 ", await PdfTextAsync(bytes, password: "penguin-42"), StringComparison.Ordinal);
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM analytics_exports WHERE password_sealed IS NOT NULL"));
        await RenderPdfAsync(bytes, $"export-protected-{Engine}", password: "penguin-42");
    }

    // pdftotext (poppler-utils, installed by scripts/test.sh): the text a reader sees, row by row.
    private static async Task<string> PdfTextAsync(byte[] pdf, string? password)
    {
        var input = Path.Combine(Path.GetTempPath(), $"penguin-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(input, pdf, Ct);
        try
        {
            var start = new ProcessStartInfo("pdftotext") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in (password is null ? Array.Empty<string>() : ["-upw", password]).Concat(["-layout", input, "-"]))
            {
                start.ArgumentList.Add(arg);
            }
            using var process = Process.Start(start)!;
            var text = await process.StandardOutput.ReadToEndAsync(Ct);
            var error = await process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);
            Assert.True(process.ExitCode == 0, $"pdftotext failed: {error}");
            return text;
        }
        finally
        {
            File.Delete(input);
        }
    }

    // pdftoppm (poppler-utils, installed by scripts/test.sh) renders page 1 to PNG: a real reader opens it.
    private static async Task RenderPdfAsync(byte[] pdf, string name, string? password)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "pdf-renders");
        Directory.CreateDirectory(folder);
        var input = Path.Combine(folder, name + ".pdf");
        await File.WriteAllBytesAsync(input, pdf, Ct);
        var start = new ProcessStartInfo("pdftoppm") { RedirectStandardError = true };
        foreach (var arg in (password is null ? Array.Empty<string>() : ["-upw", password]).Concat(["-png", "-r", "60", "-f", "1", "-l", "1", input, Path.Combine(folder, name)]))
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, $"pdftoppm failed: {error}");
        var png = Directory.GetFiles(folder, name + "*.png").Single();
        Assert.True(new FileInfo(png).Length > 1000);
    }
}
