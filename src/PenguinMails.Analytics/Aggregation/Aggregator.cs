using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Aggregation;

/// <summary>
/// Turns the raw store into the analytics tables, two ways to the same numbers (DESIGN.md, "Pipeline"):
/// <see cref="FoldAsync"/> applies pending events and adds each email's first-occurrence
/// transitions as counter deltas; <see cref="RecomputeAsync"/> rebuilds a scope from the raw emails
/// (setting the rows that differ, deleting the ones no email gives). Both feed the same
/// <c>apply.sql</c> and <c>refresh_attributes.sql</c>, one set-based statement per table, and both
/// run under one lock so they never interleave.
/// </summary>
public sealed class Aggregator
{
    private const string SqlFolder = "Aggregation/Sql";
    private const string LockName = "aggregate";

    private readonly AnalyticsDatabase database;
    private readonly AggregationOptions options;
    private readonly TimeProvider time;
    private readonly IProgress<FoldResult>? progress;

    // Whether a fold of this instance has committed a deliverability evaluation of every entity
    // (deliverability_collect.sql evaluates only what a fold touched after that).
    private bool alertsEvaluated;

    /// <param name="database">The database to aggregate.</param>
    /// <param name="options">Fold sizes and the pending window.</param>
    /// <param name="time">The clock (pending events expire by it).</param>
    /// <param name="progress">Told after each committed fold transaction.</param>
    public Aggregator(AnalyticsDatabase database, AggregationOptions? options = null, TimeProvider? time = null, IProgress<FoldResult>? progress = null)
    {
        this.database = database ?? throw new ArgumentNullException(nameof(database));
        this.options = options ?? new AggregationOptions();
        this.time = time ?? TimeProvider.System;
        this.progress = progress;
    }

    /// <summary>Folds everything pending, in transactions of at most <see cref="AggregationOptions.MaxEventsPerFold"/> new events.</summary>
    public async Task<FoldResult> FoldAsync(CancellationToken cancellationToken = default)
    {
        var total = FoldResult.None;
        while (true)
        {
            // Until a round finds nothing: an ingest that commits while a fold runs is not in the
            // fold's snapshot, and may have seen this fold's job still queued and not queued
            // another, so the next round is what picks its events up.
            if (await FoldOnceAsync(cancellationToken) is not { } result)
            {
                return total;
            }
            if (result.EventsRead > 0 || result.DeadLettered > 0)
            {
                progress?.Report(result);
            }
            total = total.Add(result);
        }
    }

    // One fold transaction; null when there was nothing to fold.
    private async Task<FoldResult?> FoldOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
            return await FoldTransactionAsync(connection, probe: null, cancellationToken);
        }
        catch (Exception e) when (database.IsRefusedData(e))
        {
            // One record the engine refuses must not stop the fold for every tenant: find it, move
            // it to the dead letters, and fold the rest in the next round.
            var refused = await new RefusedRecordIsolator(this, database).IsolateAsync(cancellationToken);
            if (refused == 0)
            {
                throw;
            }
            return new FoldResult(0, 0, 0, refused);
        }
    }

    /// <summary>
    /// One fold transaction over the pending events up to the next watermark. With
    /// <paramref name="probe"/> (the number of records of <c>fold_probe_order</c> to take), it folds
    /// only those and rolls back: a trial run that tells whether they fold.
    /// </summary>
    internal async Task<FoldResult?> FoldTransactionAsync(System.Data.Common.DbConnection connection, long? probe, CancellationToken cancellationToken)
    {
        await using var outer = await BeginWriteAsync(connection, beforeWorkTables: true, cancellationToken);
        await using var gate = await database.LockAsync(connection, LockName, cancellationToken);

        var expireBefore = time.GetUtcNow().UtcDateTime - options.PendingRetention;
        var state = await CountsAsync(connection,
            """
            SELECT (SELECT value FROM pipeline_state WHERE name = 'fold_seq'), COALESCE((SELECT MAX(seq) FROM pending_events), 0),
                   (SELECT COUNT(*) FROM entity_changes) + (SELECT COUNT(*) FROM pending_events WHERE received < $1)
            """, cancellationToken, expireBefore);
        var (lastSeq, maxSeq, other) = (state[0], state[1], state[2]);
        if (maxSeq <= lastSeq && other == 0)
        {
            return null;
        }

        var upTo = Math.Max(NextWatermark(lastSeq, maxSeq), lastSeq);
        await connection.ExecuteAsync("DROP TABLE IF EXISTS fold_params", cancellationToken);
        await connection.ExecuteAsync("CREATE TEMP TABLE fold_params (last_seq BIGINT, max_seq BIGINT, expire_before TIMESTAMPTZ, probe BOOLEAN)", cancellationToken);
        await connection.ExecuteAsync("INSERT INTO fold_params VALUES ($1, $2, $3, $4)", cancellationToken, lastSeq, upTo, expireBefore, probe is not null);
        await connection.ExecuteAsync("DROP TABLE IF EXISTS fold_probe", cancellationToken);
        await connection.ExecuteAsync("CREATE TEMP TABLE fold_probe (seq BIGINT)", cancellationToken);
        if (probe is not null)
        {
            await connection.ExecuteAsync("INSERT INTO fold_probe SELECT seq FROM fold_probe_order WHERE rank <= $1", cancellationToken, probe.Value);
        }

        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "fold_queue_statistics.sql"), cancellationToken);
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "fold_collect.sql"), cancellationToken);
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "apply_agg.sql"), cancellationToken);

        await using var inner = await BeginWriteAsync(connection, beforeWorkTables: false, cancellationToken);
        var transaction = outer ?? inner!;
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "fold_store.sql"), cancellationToken);
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "apply.sql"), cancellationToken);
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "refresh_attributes.sql"), cancellationToken);
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "fold_finish.sql"), cancellationToken);

        // Events past the watermark were not read yet: they are queued, not waiting for an email.
        var counts = await CountsAsync(connection,
            """
            SELECT (SELECT COUNT(*) FROM fold_batch), (SELECT COUNT(*) FROM fold_new), (SELECT COUNT(*) FROM fold_expired),
                   (SELECT COUNT(*) FROM pending_events WHERE seq <= $1), (SELECT COUNT(*) FROM pending_events WHERE seq > $1)
            """, cancellationToken, upTo);
        var (read, created, deadLettered, stillPending, queued) = (counts[0], counts[1], counts[2], counts[3], counts[4]);
        if (read > 0)
        {
            await CheckDeliverabilityAsync(connection, cancellationToken);
        }
        if (probe is not null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return FoldResult.None;
        }
        await transaction.CommitAsync(cancellationToken);
        alertsEvaluated |= read > 0;
        return new FoldResult(read, created, stillPending, deadLettered, queued);
    }

    // The transaction a fold or recompute writes in, begun at one of the two places the caller
    // offers: before the lock and the work tables on PostgreSQL (its lock lasts as long as the
    // transaction), after them on DuckDB (AnalyticsDatabase.BuildsWorkTablesBeforeTransaction).
    // Null at the other place.
    private async Task<System.Data.Common.DbTransaction?> BeginWriteAsync(
        System.Data.Common.DbConnection connection, bool beforeWorkTables, CancellationToken cancellationToken) =>
        beforeWorkTables != database.BuildsWorkTablesBeforeTransaction ? await connection.BeginTransactionAsync(cancellationToken) : null;

    /// <summary>How far one fold transaction reads: at most <see cref="AggregationOptions.MaxEventsPerFold"/> new events.</summary>
    internal long NextWatermark(long lastSeq, long maxSeq) => Math.Min(maxSeq, lastSeq + options.MaxEventsPerFold);

    // In the fold's transaction: the alert state moves with the numbers it was computed from.
    private async Task CheckDeliverabilityAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        var thresholds = options.Deliverability;
        await connection.ExecuteAsync("DROP TABLE IF EXISTS alert_params", cancellationToken);
        await connection.ExecuteAsync(
            "CREATE TEMP TABLE alert_params (bounce_threshold DOUBLE PRECISION, complaint_threshold DOUBLE PRECISION, min_sends BIGINT, window_days INTEGER, everything BOOLEAN)", cancellationToken);
        // This process's first evaluation covers every entity: its thresholds may not be the last one's.
        await connection.ExecuteAsync("INSERT INTO alert_params VALUES ($1, $2, $3, $4, $5)", cancellationToken,
            thresholds.BounceRatePercent, thresholds.ComplaintRatePercent, (long)thresholds.MinimumSends, Math.Max(1, thresholds.WindowDays), !alertsEvaluated);
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "deliverability_collect.sql"), cancellationToken);
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "deliverability_raise.sql"), cancellationToken);
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "deliverability_state.sql"), cancellationToken);
    }

    /// <summary>
    /// When the aggregates last changed (<c>as_of</c>): a fold committed, or a recompute, archiving
    /// or anonymization (<see cref="MarkAggregatesChangedAsync"/>); null before the first fold.
    /// </summary>
    public static async Task<DateTime?> AsOfAsync(AnalyticsDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        var value = await connection.ScalarAsync<DateTime?>("SELECT updated FROM pipeline_state WHERE name = 'fold_seq'", cancellationToken);
        return value is { } time ? StoredTime.AsUtc(time) : null;
    }

    /// <summary>
    /// Marks, in the caller's transaction, that aggregates changed outside a fold (a recompute,
    /// archiving, anonymization): it moves <c>as_of</c>, which is what read caches key on.
    /// </summary>
    public static async Task MarkAggregatesChangedAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("UPDATE pipeline_state SET updated = NOW() WHERE name = 'fold_seq'", cancellationToken);
        // Numbers changed outside a fold: the next fold evaluates every deliverability rate again.
        await connection.ExecuteAsync("DELETE FROM pipeline_state WHERE name IN ('alert_window_mailbox', 'alert_window_campaign')", cancellationToken);
    }

    // A row of numbers in one round trip.
    private static async Task<long[]> CountsAsync(System.Data.Common.DbConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = connection.CreateCommand(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        long Value(int i) => Convert.ToInt64(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture); // counts and ids: BIGINT on both engines
        return [.. Enumerable.Range(0, reader.FieldCount).Select(Value)];
    }

    /// <summary>
    /// Refuses a recompute nobody can mean — an empty range, a tenant that does not exist — before
    /// anything runs (<c>aggregate --recompute</c> asks before it runs the queued work).
    /// </summary>
    public async Task CheckScopeAsync(RecomputeScope scope, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await CheckScopeAsync(connection, scope, cancellationToken);
    }

    private static async Task CheckScopeAsync(System.Data.Common.DbConnection connection, RecomputeScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.From is { } from && scope.To is { } to && from >= to)
        {
            throw new AnalyticsException($"The recompute range is empty: --from {from:yyyy-MM-dd} must be before --to {to:yyyy-MM-dd} (to is exclusive).");
        }
        if (scope.TenantId is { } tenant)
        {
            await KnownTenants.RequireAsync(connection, tenant, cancellationToken);
        }
    }

    /// <summary>Rebuilds every analytics row in <paramref name="scope"/> from the raw store, in one transaction.</summary>
    public async Task RecomputeAsync(RecomputeScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var outer = await BeginWriteAsync(connection, beforeWorkTables: true, cancellationToken);
        await using var gate = await database.LockAsync(connection, LockName, cancellationToken);
        await CheckScopeAsync(connection, scope, cancellationToken);
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "recompute_planner.sql"), cancellationToken);
        await connection.ExecuteAsync("DROP TABLE IF EXISTS recompute_params", cancellationToken);
        await connection.ExecuteAsync("CREATE TEMP TABLE recompute_params (tenant_id TEXT, from_day DATE, to_day DATE)", cancellationToken);
        await connection.ExecuteAsync("INSERT INTO recompute_params VALUES ($1, $2, $3)", cancellationToken,
            scope.TenantId, scope.From ?? new DateOnly(1970, 1, 1), scope.To ?? new DateOnly(9999, 1, 1));
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "recompute_collect.sql"), cancellationToken);
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "apply_agg.sql"), cancellationToken);

        await using var inner = await BeginWriteAsync(connection, beforeWorkTables: false, cancellationToken);
        var transaction = outer ?? inner!;
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "apply.sql"), cancellationToken);
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "recompute_prune.sql"), cancellationToken);
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "refresh_attributes.sql"), cancellationToken);
        await MarkAggregatesChangedAsync(connection, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
