namespace PenguinMails.Analytics.Exports;

/// <summary>One row of <c>analytics_exports</c>, as the API shows it (never the file path or a sealed password).</summary>
public sealed record ExportRecord(
    string Id, string TenantId, string RequestedBy, string Report, string Format, string Status, int MaxRows,
    string? Watermark, bool Encrypted, bool PasswordProtected, long? RowsExported, long? FileBytes,
    DateTime Requested, string? DecidedBy, DateTime? Decided, string? DecisionNote, DateTime? Completed, DateTime? Expires,
    int Downloads, string? Error)
{
    internal const string Columns =
        "id, tenant_id, requested_by, report, format, status, max_rows, watermark, encrypted, password_protected, rows_exported, file_bytes, "
        + "requested, decided_by, decided, decision_note, completed, expires, downloads, error";

    internal static ExportRecord Read(System.Data.Common.DbDataReader r)
    {
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        long? L(int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
        DateTime? T(int i) => r.IsDBNull(i) ? null : Storage.StoredTime.AsUtc(r.GetDateTime(i));
        return new ExportRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
            (int)L(6)!.Value, S(7), r.GetBoolean(8), r.GetBoolean(9), L(10), L(11), T(12)!.Value, S(13), T(14), S(15), T(16), T(17),
            (int)L(18)!.Value, S(19));
    }
}

/// <summary>Why an export request or decision was refused; the API maps each to its status code.</summary>
public enum ExportRefusal
{
    /// <summary>400: the request itself is wrong.</summary>
    Invalid,

    /// <summary>403: the tenant's controls do not allow it, or the caller may not.</summary>
    NotAllowed,

    /// <summary>422: more rows than the tenant's limit.</summary>
    TooManyRows,

    /// <summary>404: no such export (or another tenant's).</summary>
    NotFound,

    /// <summary>409: not in a state for this (not pending, not ready yet).</summary>
    Conflict,

    /// <summary>410: past its expiry.</summary>
    Expired,

    /// <summary>503: the server lacks what the controls require (an encryption key).</summary>
    NotConfigured,
}

/// <summary>An export refused, with a message for people.</summary>
public sealed class ExportRefusedException(ExportRefusal refusal, string message) : AnalyticsException(message)
{
    public ExportRefusal Refusal { get; } = refusal;
}
