using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Exports.Formats;
using PenguinMails.Analytics.Jobs;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Exports;

/// <summary>
/// Governed exports, from request to download. A request is checked against the tenant's
/// <c>analytics_export_controls</c> (format allowed, rows within <c>max_rows</c>), then waits for
/// approval or is queued as an <c>export</c> job; the job streams the report's rows into the file
/// (watermarked, encrypted at rest with AES-GCM when required, a PDF password when asked), and
/// the file can be downloaded until it expires. Approvals and rejections are administrative
/// actions (<c>admin_audit_logs</c>); requests and downloads are reads (<c>analytics_access_audit</c>,
/// written by the API's gate or by <see cref="AuditAccessAsync"/>).
/// </summary>
public sealed class ExportService(AnalyticsDatabase database, ScopedQuery query, ExportOptions options, TimeProvider? time = null)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly TimeProvider clock = time ?? TimeProvider.System;

    /// <summary>What to export.</summary>
    public sealed record Request(string Report, string Format, ReportFilter Filter, string? PdfPassword = null);

    /// <summary>Who asks: the tenant the export belongs to, the key, and whether it reads as the platform admin (all tenants).</summary>
    public sealed record Requester(string TenantId, string KeyId, bool ReadsAllTenants);

    /// <summary>Checks a request against the tenant's controls and records it (queued, or pending approval).</summary>
    public async Task<ExportRecord> RequestAsync(Requester requester, Request request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(request);
        var report = Find(request.Report);
        if (report.AdminOnly && !requester.ReadsAllTenants)
        {
            throw new ExportRefusedException(ExportRefusal.NotAllowed, $"The {report.Name} report is for the platform admin.");
        }
        if (!ExportFormat.All.Contains(request.Format))
        {
            throw new ExportRefusedException(ExportRefusal.Invalid, $"Unknown format '{request.Format}': use one of {string.Join(", ", ExportFormat.All)}.");
        }
        if (request.PdfPassword is not null && (request.Format != ExportFormat.Pdf || request.PdfPassword.Length is < 6 or > 128))
        {
            throw new ExportRefusedException(ExportRefusal.Invalid, request.Format != ExportFormat.Pdf
                ? "A password protects PDF exports only."
                : "A PDF password needs 6 to 128 characters.");
        }
        if (report.Problem(request.Filter, requester.ReadsAllTenants) is { } problem)
        {
            throw new ExportRefusedException(ExportRefusal.Invalid, problem);
        }

        var control = await ExportControl.LoadAsync(database, requester.TenantId, request.Format, cancellationToken);
        if (!control.Allowed)
        {
            throw new ExportRefusedException(ExportRefusal.NotAllowed,
                $"{request.Format} exports are not enabled for tenant {requester.TenantId} (analytics_export_controls).");
        }
        if ((control.EncryptionRequired || request.PdfPassword is not null) && options.Cipher is null)
        {
            throw new ExportRefusedException(ExportRefusal.NotConfigured,
                $"Exports of tenant {requester.TenantId} must be encrypted at rest, and no export key is configured: set {ExportCipher.EnvironmentVariable} "
                + "to 32 random bytes in base64 (for example: openssl rand -base64 32) and keep it, as files are read back with the key they were written with.");
        }
        var scope = new TenantScope(requester.TenantId, requester.ReadsAllTenants);
        var rows = await query.CountAsync(scope, report, request.Filter, control.MaxRows, PoolTypes.Exports, cancellationToken);
        if (rows > control.MaxRows)
        {
            throw new ExportRefusedException(ExportRefusal.TooManyRows,
                $"The export would have more than {control.MaxRows:N0} rows, the limit of tenant {requester.TenantId} for {request.Format} exports; narrow the date range or filters.");
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var now = clock.GetUtcNow().UtcDateTime;
        var watermark = control.WatermarkRequired ? new Watermark(requester.TenantId, requester.KeyId, now, id).Text : null;
        var status = control.RequiresApproval ? "pending_approval" : "queued";
        var parameters = JsonSerializer.Serialize(new StoredParameters(request.Filter, requester.ReadsAllTenants, control.AutoExpiresHours), Json);
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO analytics_exports (id, tenant_id, requested_by, report, parameters, format, status, max_rows, watermark, encrypted,
                password_protected, password_sealed, requested)
            VALUES ($1, $2, $3, $4, CAST($5 AS JSON), $6, $7, $8, $9, $10, $11, $12, $13)
            """,
            cancellationToken, id, requester.TenantId, requester.KeyId, report.Name, parameters, request.Format, status, control.MaxRows, watermark,
            control.EncryptionRequired, request.PdfPassword is not null, request.PdfPassword is null ? null : options.Cipher!.Seal(request.PdfPassword), now);
        if (status == "queued")
        {
            await new JobQueue(database).EnqueueAsync(JobTypes.Export, requester.TenantId, JsonSerializer.Serialize(new { export_id = id }), connection, cancellationToken: cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (await FindRecordAsync(connection, id, cancellationToken))!;
    }

    /// <summary>An export the scope may see (its tenant's, or any for the platform admin), or null.</summary>
    public async Task<ExportRecord?> GetAsync(TenantScope scope, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        var record = await FindRecordAsync(connection, id, cancellationToken);
        return record is not null && (scope.IsAdmin || record.TenantId == scope.TenantId) ? record : null;
    }

    /// <summary>The scope's exports, newest first.</summary>
    public async Task<IReadOnlyList<ExportRecord>> ListAsync(TenantScope scope, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            $"SELECT {ExportRecord.Columns} FROM analytics_exports WHERE CAST($1 AS TEXT) IS NULL OR tenant_id = CAST($1 AS TEXT) ORDER BY requested DESC, id LIMIT $2",
            scope.IsAdmin ? null : scope.TenantId, limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<ExportRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(ExportRecord.Read(reader));
        }
        return records;
    }

    /// <summary>
    /// Approves (queues) or rejects a pending export, audited with the status before and after.
    /// The key that asked for an export cannot approve it: approval takes a second person.
    /// </summary>
    public async Task<ExportRecord> DecideAsync(TenantScope scope, string id, bool approve, string? note, AdminActor actor, string deciderKeyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var record = await GetAsync(scope, id, cancellationToken) ?? throw new ExportRefusedException(ExportRefusal.NotFound, $"No export '{id}'.");
        if (record.Status != "pending_approval")
        {
            throw new ExportRefusedException(ExportRefusal.Conflict, $"Export {id} is {record.Status.Replace('_', ' ')}, not waiting for approval.");
        }
        if (record.RequestedBy == deciderKeyId)
        {
            throw new ExportRefusedException(ExportRefusal.NotAllowed, "An export cannot be approved or rejected by the key that requested it.");
        }
        var status = approve ? "queued" : "rejected";
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(
            "UPDATE analytics_exports SET status = $2, decided_by = $3, decided = $4, decision_note = $5, password_sealed = CASE WHEN $2 = 'rejected' THEN NULL ELSE password_sealed END "
            + "WHERE id = $1 AND status = 'pending_approval'",
            cancellationToken, id, status, deciderKeyId, clock.GetUtcNow().UtcDateTime, note);
        if (changed != 1)
        {
            throw new ExportRefusedException(ExportRefusal.Conflict, $"Export {id} was decided by someone else just now.");
        }
        if (approve)
        {
            await new JobQueue(database).EnqueueAsync(JobTypes.Export, record.TenantId, JsonSerializer.Serialize(new { export_id = id }), connection, cancellationToken: cancellationToken);
        }
        await AdminAuditLog.WriteAsync(database, connection, new AdminAction(actor, approve ? "export.approve" : "export.reject", "analytics_exports", id, record.TenantId,
            OldValues: new { status = record.Status }, NewValues: new { status, note, report = record.Report, format = record.Format },
            AffectedRows: 1, DataClassification: "confidential", ComplianceFlags: ["data_export"]), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (await FindRecordAsync(connection, id, cancellationToken))!;
    }

    /// <summary>The export job: writes the file of a queued export (nothing for one already done, rejected or expired).</summary>
    public async Task RunAsync(string id, CancellationToken cancellationToken = default)
    {
        string tenant, report, format, parametersJson;
        int maxRows;
        string? watermarkText, sealedPassword;
        bool encrypted;
        DateTime requested;
        string requestedBy;
        await using (var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken))
        {
            await using var command = connection.CreateCommand(
                "SELECT tenant_id, report, format, CAST(parameters AS TEXT), max_rows, watermark, password_sealed, encrypted, requested, requested_by, status FROM analytics_exports WHERE id = $1", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken) || reader.GetString(10) is not ("queued" or "running"))
            {
                return;
            }
            (tenant, report, format, parametersJson) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
            maxRows = Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture);
            watermarkText = reader.IsDBNull(5) ? null : reader.GetString(5);
            sealedPassword = reader.IsDBNull(6) ? null : reader.GetString(6);
            encrypted = reader.GetBoolean(7);
            requested = StoredTime.AsUtc(reader.GetDateTime(8));
            requestedBy = reader.GetString(9);
        }
        await SetStatusAsync(id, "running", null, cancellationToken);

        var stored = JsonSerializer.Deserialize<StoredParameters>(parametersJson, Json)!;
        var definition = Find(report);
        var watermark = watermarkText is null ? null : new Watermark(tenant, requestedBy, requested, id);
        var folder = Path.Combine(options.Directory, SafeName(tenant));
        PrivateFiles.CreateDirectory(options.Directory);
        PrivateFiles.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{id}.{format}{(encrypted ? ".enc" : "")}");
        try
        {
            long rows;
            await using (var result = await query.OpenAsync(new TenantScope(tenant, stored.AllTenants), definition, stored.Parameters, maxRows, PoolTypes.Exports, cancellationToken))
            await using (var file = new FileStream(path, OwnerOnly(FileMode.Create, FileAccess.Write)))
            await using (var output = encrypted ? options.Cipher?.Encrypt(file) ?? throw new AnalyticsException($"No export key is configured ({ExportCipher.EnvironmentVariable}).") : file)
            {
                var password = sealedPassword is null ? null : options.Cipher!.Unseal(sealedPassword);
                rows = await WriteFormatAsync(format, result, output, report, watermark, password, maxRows, cancellationToken);
            }
            var now = clock.GetUtcNow().UtcDateTime;
            await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(
                "UPDATE analytics_exports SET status = 'ready', rows_exported = $2, file_bytes = $3, file_path = $4, completed = $5, expires = $6, password_sealed = NULL, error = NULL WHERE id = $1",
                cancellationToken, id, rows, new FileInfo(path).Length, path, now, now.AddHours(stored.ExpiresHours));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The export ends here, failed with a reason people can act on (asking again is cheap);
            // the job itself is done.
            File.Delete(path);
            await SetStatusAsync(id, "failed", e is AnalyticsException ? e.Message : $"The export failed ({e.GetType().Name}); ask for it again.", CancellationToken.None);
        }
    }

    /// <summary>
    /// Opens a ready export for download: the record and a writer of its bytes (decrypted when
    /// encrypted at rest). Expired files are deleted and refused (410).
    /// </summary>
    public async Task<(ExportRecord Record, Func<Stream, CancellationToken, Task> WriteTo)> OpenDownloadAsync(TenantScope scope, string id, CancellationToken cancellationToken = default)
    {
        var record = await GetAsync(scope, id, cancellationToken) ?? throw new ExportRefusedException(ExportRefusal.NotFound, $"No export '{id}'.");
        if (record.Status == "ready" && record.Expires <= clock.GetUtcNow().UtcDateTime)
        {
            await SweepExpiredAsync(cancellationToken);
            record = record with { Status = "expired" };
        }
        if (record.Status == "expired")
        {
            throw new ExportRefusedException(ExportRefusal.Expired, $"Export {id} expired at {record.Expires:yyyy-MM-dd HH:mm} UTC; its file is deleted. Request it again.");
        }
        if (record.Status != "ready")
        {
            throw new ExportRefusedException(ExportRefusal.Conflict, $"Export {id} is {record.Status.Replace('_', ' ')}{(record.Error is null ? "" : $": {record.Error}")}; it can be downloaded once it is ready.");
        }
        string path;
        await using (var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken))
        {
            // Counted and located in one statement.
            path = await connection.ScalarAsync<string>("UPDATE analytics_exports SET downloads = downloads + 1 WHERE id = $1 RETURNING file_path", cancellationToken, id)
                ?? throw new ExportRefusedException(ExportRefusal.Conflict, $"Export {id} has no file.");
        }
        return (record, async (output, ct) =>
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
            if (record.Encrypted)
            {
                await options.Cipher!.DecryptAsync(file, output, ct);
            }
            else
            {
                await file.CopyToAsync(output, ct);
            }
        });
    }

    /// <summary>Deletes the files of exports past their expiry and marks them expired; returns how many.</summary>
    public async Task<int> SweepExpiredAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        var paths = new List<(string Id, string? Path)>();
        await using (var command = connection.CreateCommand("SELECT id, file_path FROM analytics_exports WHERE status = 'ready' AND expires <= $1", now))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                paths.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
            }
        }
        foreach (var (exportId, path) in paths)
        {
            if (path is not null)
            {
                File.Delete(path);
            }
            await connection.ExecuteAsync("UPDATE analytics_exports SET status = 'expired', file_path = NULL WHERE id = $1 AND status = 'ready'", cancellationToken, exportId);
        }
        return paths.Count;
    }

    /// <summary>An <c>analytics_access_audit</c> row for a request or download made outside the API (the CLI).</summary>
    public async Task AuditAccessAsync(string keyOrUser, string tenantId, string what, long? rows, bool success, string? reason, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO analytics_access_audit (user_id, tenant_id, query_type, table_accessed, filters_applied, rows_returned, success, failure_reason, user_agent) "
            + "VALUES ($1, $2, 'export', 'analytics_exports', CAST($3 AS JSON), $4, $5, $6, 'penguin-analytics cli')",
            cancellationToken, keyOrUser, tenantId, JsonSerializer.Serialize(new { action = what }), rows, success, reason);
    }

    private static Report Find(string report)
    {
        try
        {
            return Reports.Find(report);
        }
        catch (AnalyticsException e)
        {
            throw new ExportRefusedException(ExportRefusal.Invalid, e.Message);
        }
    }

    private static async Task<long> WriteFormatAsync(string format, QueryResult rows, Stream output, string report, Watermark? watermark, string? password, int maxRows, CancellationToken cancellationToken)
    {
        switch (format)
        {
            case ExportFormat.Csv:
                return await CsvExportWriter.WriteAsync(rows, output, watermark, maxRows, cancellationToken);
            case ExportFormat.Json:
                return await JsonExportWriter.WriteAsync(rows, output, report, watermark, maxRows, cancellationToken);
            case ExportFormat.Xlsx:
                return await XlsxExportWriter.WriteAsync(rows, output, report, watermark, maxRows, cancellationToken);
            case ExportFormat.Pdf:
            {
                using var buffer = new MemoryStream();
                var count = await PdfExportWriter.WriteAsync(rows, buffer, report, watermark, password, maxRows, cancellationToken);
                buffer.Position = 0;
                await buffer.CopyToAsync(output, cancellationToken);
                return count;
            }
            default:
                throw new AnalyticsException($"Unknown format '{format}'.");
        }
    }

    private async Task SetStatusAsync(string id, string status, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await connection.ExecuteAsync("UPDATE analytics_exports SET status = $2, error = $3 WHERE id = $1", cancellationToken, id, status, error);
    }

    private static async Task<ExportRecord?> FindRecordAsync(DbConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand($"SELECT {ExportRecord.Columns} FROM analytics_exports WHERE id = $1", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ExportRecord.Read(reader) : null;
    }

    // Export files are readable by the service's own user only (0600 on Unix).
    private static FileStreamOptions OwnerOnly(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None, BufferSize = 64 * 1024, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return options;
    }

    private static string SafeName(string tenant) =>
        string.Concat(tenant.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    // The filter is stored as "parameters" (its name before reports were typed), so old exports read back.
    private sealed record StoredParameters(ReportFilter Parameters, bool AllTenants, int ExpiresHours);
}
