using System.Globalization;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Exports;

/// <summary>
/// A tenant's rules for one export format, from <c>analytics_export_controls</c>. A tenant without
/// any active row gets the table's defaults for every format; a tenant with rows may export only
/// the formats it has an active row for.
/// </summary>
public sealed record ExportControl(bool Allowed, int MaxRows, bool RequiresApproval, int AutoExpiresHours, bool EncryptionRequired, bool WatermarkRequired)
{
    /// <summary>The defaults of the table's columns.</summary>
    public static ExportControl Default { get; } = new(true, 10_000, false, 24, true, true);

    public static async Task<ExportControl> LoadAsync(AnalyticsDatabase database, string tenantId, string format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            """
            SELECT export_type, COALESCE(max_rows, 10000), COALESCE(requires_approval, FALSE), COALESCE(auto_expires_hours, 24),
                   COALESCE(encryption_required, TRUE), COALESCE(watermark_required, TRUE)
            FROM analytics_export_controls
            WHERE tenant_id = $1 AND COALESCE(is_active, TRUE)
            ORDER BY created DESC, id DESC
            """, tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var any = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            any = true;
            if (!reader.IsDBNull(0) && reader.GetString(0) == format)
            {
                int Int(int i) => Convert.ToInt32(reader.GetValue(i), CultureInfo.InvariantCulture);
                return new ExportControl(true, Int(1), reader.GetBoolean(2), Int(3), reader.GetBoolean(4), reader.GetBoolean(5));
            }
        }
        return any ? Default with { Allowed = false } : Default;
    }
}
