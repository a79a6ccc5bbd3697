using System.Data.Common;
using System.Text.Json;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Auditing;

/// <summary>
/// Writes <c>admin_audit_logs</c> rows. Administrative actions are rare and must not be lost, so
/// a row is written synchronously, in the transaction of the action itself where there is one
/// (the action and its audit row commit or roll back together). The application role may only
/// insert and read these rows (see the schema's grants).
/// </summary>
public static class AdminAuditLog
{
    /// <summary>The tenant id of actions on the whole platform (the column is NOT NULL).</summary>
    public const string Platform = "platform";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Writes the row on <paramref name="connection"/> (inside its open transaction, if any).</summary>
    public static async Task WriteAsync(AnalyticsDatabase database, DbConnection connection, AdminAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(action);
        var milliseconds = action.Duration is { } d ? (int)Math.Min(int.MaxValue, Math.Round(d.TotalMilliseconds)) : (int?)null;
        await connection.ExecuteAsync(database.Sql.Get("Auditing/Sql", "admin_audit_insert.sql"), cancellationToken,
            action.Actor.UserId, action.Action, action.ResourceType, action.ResourceId, action.TenantId,
            ToJson(action.OldValues), ToJson(action.NewValues), action.Actor.IpAddress, action.Actor.UserAgent,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), action.Notes, milliseconds, (int)Math.Min(int.MaxValue, action.AffectedRows),
            PerformanceCategory(milliseconds), action.ComplianceFlags is { Count: > 0 } flags ? string.Join(',', flags) : null,
            action.DataClassification, action.RetentionCategory);
    }

    /// <summary>The guide's performance categories by duration: fast under 100 ms, normal under 1 s, slow under 10 s, else critical.</summary>
    public static string? PerformanceCategory(int? milliseconds) => milliseconds switch
    {
        null => null,
        < 100 => "fast",
        < 1_000 => "normal",
        < 10_000 => "slow",
        _ => "critical",
    };

    private static string? ToJson(object? value) => value switch
    {
        null => null,
        string s => s,
        _ => JsonSerializer.Serialize(value, Json),
    };
}
