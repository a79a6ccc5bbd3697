using System.Data.Common;
using System.Text.Json;
using Npgsql;
using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Cluster;

/// <summary>
/// <c>cluster move-tenant T --to SHARD</c>: copies a tenant's rows from its shard to another,
/// checks every table's count, switches its placement and removes the old copy. Each step is
/// recorded on the coordinator (<c>penguin_topology.moves</c>), so a move cut off anywhere — a
/// kill -9 included — is finished by running it again. Readers never see it half-moved: until the
/// switch they read the old shard, which is untouched; the copy on the new shard is committed in
/// one transaction before the switch, hidden from reads across tenants (the shards' export views)
/// until the old copy is gone; the old copy is removed only after the switch, and after the
/// longest time a reader may still route by the old placement.
/// </summary>
public sealed class TenantMover(ClusterTopology cluster, IProgress<string>? progress = null)
{
    private const string SqlFolder = "Cluster/Sql";

    /// <summary>What a move did.</summary>
    public sealed record Outcome(string TenantId, string From, string To, IReadOnlyDictionary<string, long> Rows, bool AlreadyThere);

    /// <summary>Moves <paramref name="tenantId"/> to the shard named <paramref name="toShard"/>, or finishes its unfinished move there.</summary>
    public async Task<Outcome> MoveAsync(string tenantId, string toShard, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var to = cluster.Shard(toShard);
        var move = await ReadMoveAsync(tenantId, cancellationToken);
        if (move is null)
        {
            var from = (await cluster.PlacementsAsync(cancellationToken)).GetValueOrDefault(tenantId)
                ?? throw new AnalyticsException($"Unknown tenant '{tenantId}': no shard of this cluster holds it.");
            if (from.Name == to.Name)
            {
                return new Outcome(tenantId, from.Name, to.Name, new Dictionary<string, long>(), AlreadyThere: true);
            }
            await using (var connection = await cluster.Coordinator.OpenConnectionAsync(cancellationToken))
            {
                await connection.ExecuteAsync(
                    "INSERT INTO penguin_topology.moves (tenant_id, from_shard, to_shard, phase) VALUES ($1, $2, $3, 'copying') ON CONFLICT (tenant_id) DO NOTHING",
                    cancellationToken, tenantId, from.Name, to.Name);
            }
            move = await ReadMoveAsync(tenantId, cancellationToken);
        }
        if (move!.To != to.Name)
        {
            throw new AnalyticsException($"Tenant {tenantId} has an unfinished move to {move.To}: finish it first (cluster move-tenant {tenantId} --to {move.To}).");
        }
        var source = cluster.DatabaseOf(cluster.Shard(move.From));
        var target = cluster.DatabaseOf(to);
        IReadOnlyDictionary<string, long>? copied = move.Copied;
        if (move.Phase == "copying")
        {
            // The tenant's new lines are refused from now on (ingest reads the moves with the
            // placements of each batch); a batch routed just before has this long to start.
            await Task.Delay(ClusterTopology.PlacementCacheFor, cancellationToken);
            progress?.Report($"folding what {move.From} has queued");
            await new Aggregator(source).FoldAsync(cancellationToken);
            copied = await CopyAndSwitchAsync(tenantId, move, source, target, cancellationToken);
        }

        // Readers that routed by the old placement (cached at most this long) finish on the old copy.
        await Task.Delay(ClusterTopology.PlacementCacheFor, cancellationToken);
        await using (var connection = await OpenForTenantAsync(source, tenantId, cancellationToken))
        {
            var late = new List<string>();
            foreach (var (table, rows) in await CountAsync(connection, cancellationToken))
            {
                if (rows > copied!.GetValueOrDefault(table))
                {
                    late.Add($"{table} {rows - copied!.GetValueOrDefault(table)}");
                }
            }
            if (late.Count > 0)
            {
                throw new AnalyticsException(
                    $"Rows of tenant {tenantId} reached {move.From} after its copy ({string.Join(", ", late)}): the old copy is kept; "
                    + $"tenant {tenantId} now reads from {to.Name} (send those rows' input again).");
            }
            progress?.Report($"removing the old copy from {move.From}");
            await RemoveAsync(connection, cancellationToken);
        }
        await RefreshSummaryAsync(source, cancellationToken);
        await using (var connection = await target.OpenCrossTenantConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync("DELETE FROM penguin_move.hidden_tenants WHERE tenant_id = $1", cancellationToken, tenantId);
        }
        await using (var connection = await cluster.Coordinator.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync("DELETE FROM penguin_topology.moves WHERE tenant_id = $1", cancellationToken, tenantId);
        }
        return new Outcome(tenantId, move.From, to.Name, copied!, AlreadyThere: false);
    }

    /// <summary>The tenants with a move still copying: their new lines are refused until it switches.</summary>
    public static async Task<IReadOnlySet<string>> CopyingAsync(ClusterTopology cluster, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var tenants = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await cluster.Coordinator.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT tenant_id FROM penguin_topology.moves WHERE phase = 'copying'");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants.Add(reader.GetString(0));
        }
        return tenants;
    }

    // The copy, in one transaction on the target (nothing of a cut-off copy stays there), from one
    // snapshot of the source taken once its in-flight ingests have committed and held until the
    // placement has switched (no ingest can add to the old copy meanwhile); then the switch.
    private async Task<IReadOnlyDictionary<string, long>> CopyAndSwitchAsync(
        string tenantId, Move move, AnalyticsDatabase source, AnalyticsDatabase target, CancellationToken cancellationToken)
    {
        await using var read = await OpenForTenantAsync(source, tenantId, cancellationToken);
        // The snapshot is taken by the first statement after the lock, not by BEGIN.
        await using var snapshot = await read.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await read.ExecuteAsync("LOCK TABLE pending_events IN SHARE MODE", cancellationToken);
        var counts = await CountAsync(read, cancellationToken);

        await using var write = await OpenForTenantAsync(target, tenantId, cancellationToken);
        await using var copy = await write.BeginTransactionAsync(cancellationToken);
        progress?.Report($"copying {counts.Values.Sum():N0} rows of {tenantId} to the target");
        await RemoveAsync(write, cancellationToken); // what an earlier, cut-off copy committed
        var columns = await ColumnsAsync(write, cancellationToken);
        var keysMapped = false;
        foreach (var table in TenantTables.All)
        {
            await write.ExecuteAsync($"CREATE TEMP TABLE move_{table.Name} (LIKE {table.Name}) ON COMMIT DROP", cancellationToken);
            await using (var input = await write.BeginRawBinaryCopyAsync($"COPY move_{table.Name} FROM STDIN (FORMAT BINARY)", cancellationToken))
            await using (var output = await read.BeginRawBinaryCopyAsync($"COPY (SELECT x.* FROM {table.Name} x WHERE {table.Predicate}) TO STDOUT (FORMAT BINARY)", cancellationToken))
            {
                await output.CopyToAsync(input, cancellationToken);
            }
            if (table.Owner == TenantTables.Owner.TenantKey && !keysMapped)
            {
                // The raw store's keys name the source's entities, inserted by now: mapped onto the target's.
                await write.ExecuteAsync(target.Sql.Get(SqlFolder, "move_keys.sql"), cancellationToken);
                keysMapped = true;
            }
            await write.ExecuteAsync(InsertSql(table, columns[table.Name]), cancellationToken);
        }
        var written = await CountAsync(write, cancellationToken);
        var different = TenantTables.All.Where(t => written[t.Name] != counts[t.Name]).Select(t => $"{t.Name} {counts[t.Name]} → {written[t.Name]}").ToList();
        if (different.Count > 0)
        {
            throw new AnalyticsException($"The copy of tenant {tenantId} does not match its source ({string.Join(", ", different)}): nothing was moved.");
        }
        // Hidden from reads across tenants (the shard's export views) until the old copy is gone.
        await write.ExecuteAsync("INSERT INTO penguin_move.hidden_tenants (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING", cancellationToken, tenantId);
        await Aggregator.MarkAggregatesChangedAsync(write, cancellationToken);
        await copy.CommitAsync(cancellationToken);
        await RefreshSummaryAsync(target, cancellationToken);

        await using (var connection = await cluster.Coordinator.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await connection.ExecuteAsync("UPDATE penguin_topology.placements SET shard = $2, placed = NOW() WHERE tenant_id = $1", cancellationToken, tenantId, move.To);
            await connection.ExecuteAsync("UPDATE penguin_topology.moves SET phase = 'switched', copied = $2::jsonb WHERE tenant_id = $1",
                cancellationToken, tenantId, JsonSerializer.Serialize(counts));
            await transaction.CommitAsync(cancellationToken);
        }
        await snapshot.CommitAsync(cancellationToken);
        progress?.Report($"{tenantId} now reads from {move.To} (was {move.From})");
        return counts;
    }

    // A cross-tenant connection to a shard whose session names the tenant the predicates select.
    private static async Task<NpgsqlConnection> OpenForTenantAsync(AnalyticsDatabase database, string tenantId, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT set_config($1, $2, false)", cancellationToken, TenantTables.TenantSetting, tenantId);
        return connection;
    }

    // The tenant's rows per table, as the predicates find them (on either shard).
    private static async Task<Dictionary<string, long>> CountAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var sql = string.Join(" UNION ALL ", TenantTables.All.Select(t => $"SELECT '{t.Name}', COUNT(*) FROM {t.Name} x WHERE {t.Predicate}"));
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    // Removes the tenant's rows, the entities that the predicates use last.
    private static async Task RemoveAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        foreach (var table in TenantTables.All.Reverse())
        {
            await connection.ExecuteAsync($"DELETE FROM {table.Name} x WHERE {table.Predicate}", cancellationToken);
        }
        await Aggregator.MarkAggregatesChangedAsync(connection, cancellationToken);
    }

    // From a staging table into the table: every column but the one the target numbers itself;
    // the raw store's keys through move_keys, one join per key column (set-based, not a lookup per row).
    private static string InsertSql(TenantTables.Table table, IReadOnlyList<(string Name, bool Identity)> columns)
    {
        var kept = columns.Where(c => c.Name != table.Generated).ToList();
        bool Mapped(string column) => table.Owner == TenantTables.Owner.TenantKey && TenantTables.KeyColumns.ContainsKey(column);
        var select = kept.Select(c => Mapped(c.Name) ? $"k_{c.Name}.new_key" : $"s.{c.Name}");
        var joins = kept.Where(c => Mapped(c.Name)).Select(c =>
            $" LEFT JOIN move_keys k_{c.Name} ON k_{c.Name}.kind = '{TenantTables.KeyColumns[c.Name]}' AND k_{c.Name}.old_key = s.{c.Name}");
        var overriding = kept.Any(c => c.Identity) ? " OVERRIDING SYSTEM VALUE" : "";
        return $"INSERT INTO {table.Name} ({string.Join(", ", kept.Select(c => c.Name))}){overriding} "
            + $"SELECT {string.Join(", ", select)} FROM move_{table.Name} s{string.Concat(joins)}";
    }

    private static async Task<Dictionary<string, List<(string Name, bool Identity)>>> ColumnsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var columns = new Dictionary<string, List<(string, bool)>>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand(
            "SELECT c.relname, a.attname, a.attidentity <> '' FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped AND c.relname = ANY($1) ORDER BY c.relname, a.attnum",
            (object)TenantTables.All.Select(t => t.Name).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!columns.TryGetValue(reader.GetString(0), out var list))
            {
                columns[reader.GetString(0)] = list = [];
            }
            list.Add((reader.GetString(1), reader.GetBoolean(2)));
        }
        return columns;
    }

    // The campaign performance summary is a materialized view: refreshed where the rows changed.
    private static async Task RefreshSummaryAsync(AnalyticsDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(database.Sql.Get("Maintenance/Sql", "refresh.sql"), cancellationToken);
    }

    private sealed record Move(string From, string To, string Phase, Dictionary<string, long>? Copied);

    private async Task<Move?> ReadMoveAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await cluster.Coordinator.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT from_shard, to_shard, phase, copied::TEXT FROM penguin_topology.moves WHERE tenant_id = $1", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Move(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(3)))
            : null;
    }
}
