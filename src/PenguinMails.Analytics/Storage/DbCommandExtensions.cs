using System.Data.Common;

namespace PenguinMails.Analytics.Storage;

/// <summary>
/// Small helpers over ADO.NET shared by both engines. Parameters are positional (<c>$1</c>, <c>$2</c>),
/// which PostgreSQL and DuckDB both understand, so one SQL text serves both where the dialects agree.
/// </summary>
public static class DbCommandExtensions
{
    /// <summary>Creates a command on <paramref name="connection"/> with positional parameter values.</summary>
    public static DbCommand CreateCommand(this DbConnection connection, string sql, params object?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var value in parameters)
        {
            command.AddParameter(value);
        }
        return command;
    }

    /// <summary>Appends a positional parameter.</summary>
    public static DbCommand AddParameter(this DbCommand command, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>Runs a statement and returns the rows it affected.</summary>
    public static async Task<int> ExecuteAsync(this DbConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = connection.CreateCommand(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs a query and returns the first column of the first row, converted to <typeparamref name="T"/>.</summary>
    public static async Task<T?> ScalarAsync<T>(this DbConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = connection.CreateCommand(sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        if (value is null || value is DBNull)
        {
            return default;
        }
        if (value is System.Numerics.BigInteger big)
        {
            value = (decimal)big; // DuckDB's SUM of integers is a HUGEINT
        }
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return (T)Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs the statements of a script one after the other; an error names the statement.</summary>
    public static async Task RunScriptAsync(this DbConnection connection, IReadOnlyList<string> statements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statements);
        foreach (var statement in statements)
        {
            try
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await connection.ExecuteAsync(statement, cancellationToken);
                Trace(started, FirstLine(statement));
            }
            catch (DbException e)
            {
                throw new AnalyticsException($"{e.Message.Trim()} in the statement starting \"{FirstLine(statement)}\"", e);
            }
        }
    }

    // PENGUIN_ANALYTICS_TRACE_SQL=1 prints each script statement's duration: the first tool when tuning.
    private static readonly bool TraceStatements = Environment.GetEnvironmentVariable("PENGUIN_ANALYTICS_TRACE_SQL") == "1";

    /// <summary>With tracing on, prints how long the step that started at <paramref name="started"/> took.</summary>
    internal static void Trace(long started, string step)
    {
        if (TraceStatements)
        {
            Console.Error.WriteLine($"[sql {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds,8:0.0} ms] {step}");
        }
    }

    private static string FirstLine(string statement)
    {
        var end = statement.IndexOf('\n', StringComparison.Ordinal);
        var first = end < 0 ? statement : statement[..end];
        return first.Length <= 100 ? first : first[..100] + "...";
    }
}
