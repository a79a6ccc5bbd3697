namespace PenguinMails.Analytics.Exports;

/// <summary>The file formats of governed exports (the values of <c>analytics_export_controls.export_type</c>).</summary>
public static class ExportFormat
{
    public const string Csv = "csv";
    public const string Json = "json";
    public const string Xlsx = "xlsx";
    public const string Pdf = "pdf";

    public static IReadOnlyList<string> All { get; } = [Csv, Json, Xlsx, Pdf];

    public static string ContentType(string format) => format switch
    {
        Csv => "text/csv; charset=utf-8",
        Json => "application/json; charset=utf-8",
        Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Pdf => "application/pdf",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown export format"),
    };
}
