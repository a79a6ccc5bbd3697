using System.Data.Common;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Aggregation;

/// <summary>
/// Finds the pending record that makes a fold fail because the engine refuses what it holds (a
/// CHECK violation, a value it cannot convert), and moves it to <c>dead_letter_events</c> with the
/// engine's message and an <c>admin_system_events</c> row, so that everything else folds.
/// Ingest validation should stop such records; this is the wall behind it, so that a record that
/// slips through never holds back the other records or tenants.
/// </summary>
/// <remarks>
/// The pending records up to the fold's watermark are put in an order in which every record comes
/// after what it needs (each email's records together, its <c>email.sent</c> first), and a binary
/// search over prefixes of that order finds the shortest prefix that fails: its last record is the
/// one refused. Each trial is a fold that is rolled back, so the search costs about log2(n) folds
/// and only runs when a fold has failed.
/// </remarks>
internal sealed class RefusedRecordIsolator(Aggregator aggregator, AnalyticsDatabase database)
{
    private const string SqlFolder = "Aggregation/Sql";

    /// <summary>Dead-letters the refused record; returns 1, or 0 when no single record explains the failure.</summary>
    public async Task<long> IsolateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        var lastSeq = await connection.ScalarAsync<long>("SELECT value FROM pipeline_state WHERE name = 'fold_seq'", cancellationToken);
        var maxSeq = await connection.ScalarAsync<long?>("SELECT MAX(seq) FROM pending_events", cancellationToken) ?? 0;
        await connection.ExecuteAsync("DROP TABLE IF EXISTS fold_probe_order", cancellationToken);
        await connection.ExecuteAsync("CREATE TEMP TABLE fold_probe_order (seq BIGINT, rank BIGINT)", cancellationToken);
        await connection.ExecuteAsync(database.Sql.Get(SqlFolder, "refused_order.sql"), cancellationToken, aggregator.NextWatermark(lastSeq, maxSeq));
        var count = await connection.ScalarAsync<long>("SELECT COUNT(*) FROM fold_probe_order", cancellationToken);
        try
        {
            // Not reproducible (the failure was not the data's), or not the events' (entity updates
            // alone fail): nothing to isolate, the job's retries take it from here.
            var whole = await TryAsync(connection, count, cancellationToken);
            if (count == 0 || whole is null || await TryAsync(connection, 0, cancellationToken) is not null)
            {
                return 0;
            }
            long good = 0, bad = count;
            var message = whole;
            while (bad - good > 1)
            {
                var middle = good + ((bad - good) / 2);
                if (await TryAsync(connection, middle, cancellationToken) is { } failure)
                {
                    (bad, message) = (middle, failure);
                }
                else
                {
                    good = middle;
                }
            }
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync("DROP TABLE IF EXISTS fold_refused", cancellationToken);
            await connection.ExecuteAsync("CREATE TEMP TABLE fold_refused (rank BIGINT, message TEXT)", cancellationToken);
            await connection.ExecuteAsync("INSERT INTO fold_refused VALUES ($1, $2)", cancellationToken, bad, message);
            await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "refused_dead_letter.sql"), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return 1;
        }
        finally
        {
            await connection.ExecuteAsync("DROP TABLE IF EXISTS fold_probe_order", CancellationToken.None);
        }
    }

    // Null when the first `records` of the order fold, else the engine's message.
    private async Task<string?> TryAsync(DbConnection connection, long records, CancellationToken cancellationToken)
    {
        try
        {
            await aggregator.FoldTransactionAsync(connection, records, cancellationToken);
            return null;
        }
        catch (Exception e) when (database.IsRefusedData(e))
        {
            return database.DescribeError(e.InnerException ?? e) ?? e.Message;
        }
    }
}
