namespace PenguinMails.Analytics.Exports;

/// <summary>An export's row limit while writing: the request was checked against it, but rows may have arrived since.</summary>
internal static class RowLimit
{
    public static void Check(long rows, long maxRows)
    {
        if (rows > maxRows)
        {
            throw new AnalyticsException($"The export has more than {maxRows:N0} rows (the tenant's limit for this format); new data arrived since it was requested. Narrow the range and ask again.");
        }
    }
}
