namespace PenguinMails.Analytics.Queries;

/// <summary>Rows of a scoped read: column names and values (engine types normalized for output).</summary>
public sealed record ScopedRows(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);
