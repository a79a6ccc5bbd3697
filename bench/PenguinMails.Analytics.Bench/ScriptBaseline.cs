using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Bench;

/// <summary>
/// The hand-written DuckDB script over the NDJSON file (<c>Sql/duckdb_script_baseline.sql</c>),
/// in a database file of its own: its time from the file to the checkpoint, and its campaign
/// counters (sent, replied) against the product's, which must agree.
/// </summary>
internal static class ScriptBaseline
{
    public static async Task<(TimeSpan Elapsed, string Totals)> RunAsync(string workload, string directory)
    {
        var script = (await BaselineSql.ReadAsync("duckdb_script_baseline.sql")).Replace("{file}", workload.Replace("'", "''", StringComparison.Ordinal), StringComparison.Ordinal);
        var path = Path.Combine(directory, "script-baseline.duckdb");
        await using var connection = new DuckDBConnection($"Data Source={path}");
        await connection.OpenAsync();
        var watch = Stopwatch.StartNew();
        await connection.RunScriptAsync(SqlScripts.Split(script), CancellationToken.None);
        watch.Stop();
        await using var command = connection.CreateCommand("SELECT SUM(sent), SUM(replied) FROM campaign_counters");
        await using var totals = await command.ExecuteReaderAsync();
        await totals.ReadAsync();
        return (watch.Elapsed, string.Create(CultureInfo.InvariantCulture, $"{totals.GetValue(0)} {totals.GetValue(1)}"));
    }
}
