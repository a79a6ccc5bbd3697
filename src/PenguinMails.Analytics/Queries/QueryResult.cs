using System.Data.Common;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Queries;

/// <summary>Rows streaming from one statement; owns the connection until disposed.</summary>
public sealed class QueryResult : IAsyncDisposable
{
    private readonly DbConnection? connection;
    private readonly AnalyticsDatabase database;
    private readonly IDisposable? lease;

    // DuckDB hands TIMESTAMPTZ values over as UTC DateTimes of unspecified kind.
    private readonly bool[] unspecifiedUtc;

    /// <summary>Rows already read (a report), presented like a streaming result for the printers.</summary>
    public static QueryResult FromRows(ScopedRows rows, AnalyticsDatabase database)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var table = new System.Data.DataTable { Locale = System.Globalization.CultureInfo.InvariantCulture };
        foreach (var column in rows.Columns)
        {
            table.Columns.Add(column, typeof(object));
        }
        foreach (var row in rows.Rows)
        {
            table.Rows.Add(row.Select(v => v ?? DBNull.Value).ToArray());
        }
        return new QueryResult(null, table.CreateDataReader(), database);
    }

    internal QueryResult(DbConnection? connection, DbDataReader reader, AnalyticsDatabase database, IDisposable? lease = null)
    {
        this.connection = connection;
        this.lease = lease;
        this.database = database;
        Reader = reader;
        unspecifiedUtc = Enumerable.Range(0, reader.FieldCount)
            .Select(i => reader.GetDataTypeName(i) == "TimestampTz")
            .ToArray();
    }

    /// <summary>The rows; read them once, in order.</summary>
    public DbDataReader Reader { get; }

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Columns => Enumerable.Range(0, Reader.FieldCount).Select(Reader.GetName).ToList();

    /// <summary>The value of column <paramref name="ordinal"/> in the current row, the same type on both engines.</summary>
    public object GetValue(int ordinal)
    {
        var value = Reader.GetValue(ordinal);
        return unspecifiedUtc[ordinal] && value is DateTime { Kind: DateTimeKind.Unspecified } dateTime
            ? DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)
            : value;
    }

    /// <summary>Advances to the next row, turning an engine error mid-stream into a message for people.</summary>
    public async Task<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await Reader.ReadAsync(cancellationToken);
        }
        catch (Exception e) when (e is not AnalyticsException && database.DescribeError(e) is { } message)
        {
            throw new AnalyticsException(message, e);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Reader.DisposeAsync();
        if (connection is not null)
        {
            await connection.DisposeAsync(); // an open read-only transaction is rolled back here
        }
        lease?.Dispose(); // the workload pool's turn
    }
}
