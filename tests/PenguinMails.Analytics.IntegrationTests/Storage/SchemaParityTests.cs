using PenguinMails.Analytics.IntegrationTests.Infrastructure;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.IntegrationTests.Storage;

/// <summary>
/// The two engines' schemas side by side, as SchemaMigrator promises: the same tables with the
/// same columns, of the same type family where the engines have one (a PostgreSQL partition is
/// its parent's table; PostgreSQL's materialized view is a table DuckDB refreshes itself).
/// </summary>
public sealed class SchemaParityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // What the engines call the same thing.
    private static string Family(string type) => type.ToLowerInvariant() switch
    {
        "text" or "character varying" or "varchar" or "character" => "text",
        "integer" or "int" or "int4" => "integer",
        "bigint" or "int8" => "bigint",
        "smallint" or "int2" => "smallint",
        "boolean" or "bool" => "boolean",
        "double precision" or "double" or "float8" => "double",
        "real" or "float" or "float4" => "real",
        "date" => "date",
        "timestamp with time zone" or "timestamptz" => "timestamptz",
        "timestamp without time zone" or "timestamp" => "timestamp",
        "json" or "jsonb" => "json",
        "bytea" or "blob" => "binary",
        "uuid" => "uuid",
        var t when t.StartsWith("numeric", StringComparison.Ordinal) || t.StartsWith("decimal", StringComparison.Ordinal) => "numeric",
        var t when t.EndsWith("[]", StringComparison.Ordinal) || t == "array" => "array",
        var t => t,
    };

    private static async Task<SortedDictionary<string, string>> ColumnsAsync(StorageEngine engine)
    {
        await using var testDatabase = await TestDatabase.CreateAsync(engine);
        await using var database = await testDatabase.OpenAsync();
        await new SchemaMigrator(database).MigrateAsync(Ct);
        // Base tables of the current schema only; on PostgreSQL without partitions (they are their parent).
        var sql = engine == StorageEngine.Postgres
            ? """
              SELECT c.table_name, c.column_name, c.data_type
              FROM information_schema.columns c
              JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
              JOIN pg_class pc ON pc.relname = c.table_name AND pc.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
              WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND NOT pc.relispartition
              UNION ALL
              SELECT m.matviewname, a.attname, format_type(a.atttypid, a.atttypmod)
              FROM pg_matviews m
              JOIN pg_attribute a ON a.attrelid = (quote_ident(m.schemaname) || '.' || quote_ident(m.matviewname))::regclass
              WHERE m.schemaname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped
              """
            : """
              SELECT c.table_name, c.column_name, c.data_type
              FROM information_schema.columns c
              JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
              WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
              """;
        var columns = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using var connection = await database.OpenCrossTenantConnectionAsync(Ct);
        await using var command = connection.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            columns[$"{reader.GetString(0)}.{reader.GetString(1)}"] = Family(reader.GetString(2));
        }
        return columns;
    }

    [Fact]
    public async Task both_engines_have_the_same_tables_columns_and_type_families()
    {
        var duck = await ColumnsAsync(StorageEngine.DuckDb);
        var postgres = await ColumnsAsync(StorageEngine.Postgres);

        Assert.True(duck.Count > 300, $"the schema has its tables ({duck.Count} columns)");
        var onlyDuck = duck.Keys.Except(postgres.Keys).ToList();
        var onlyPostgres = postgres.Keys.Except(duck.Keys).ToList();
        Assert.True(onlyDuck.Count == 0 && onlyPostgres.Count == 0,
            $"only on DuckDB: {string.Join(", ", onlyDuck)}\nonly on PostgreSQL: {string.Join(", ", onlyPostgres)}");
        var differing = duck.Where(c => postgres[c.Key] != c.Value).Select(c => $"{c.Key}: DuckDB {c.Value}, PostgreSQL {postgres[c.Key]}").ToList();
        Assert.True(differing.Count == 0, string.Join("\n", differing));
    }
}
