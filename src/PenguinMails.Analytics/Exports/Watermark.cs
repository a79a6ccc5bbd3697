using System.Globalization;

namespace PenguinMails.Analytics.Exports;

/// <summary>Who an export was made for and when: shown in every format when the tenant's controls require it.</summary>
public sealed record Watermark(string TenantId, string RequestedBy, DateTime Created, string ExportId)
{
    public string Text => string.Create(CultureInfo.InvariantCulture,
        $"PenguinMails Analytics export {ExportId} · tenant {TenantId} · requested by {RequestedBy} · {Created:yyyy-MM-dd HH:mm:ss} UTC · confidential");
}
