using Npgsql;

namespace PenguinMails.Analytics.IntegrationTests.Infrastructure;

/// <summary>
/// The real PostgreSQL server that scripts/test.sh starts, named by PENGUIN_TEST_PG. Each test
/// gets its own database, so tests run in parallel without seeing each other. Outside CI a
/// missing server skips the test with the reason; in CI (CI=true) it is a failure.
/// </summary>
public static class TestPostgres
{
    public const string EnvironmentVariable = "PENGUIN_TEST_PG";

    /// <summary>The connection string of the server's maintenance database.</summary>
    public static string ServerConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"{EnvironmentVariable} is not set: CI must run the tests through scripts/test.sh, which starts PostgreSQL.");
            }
            Assert.Skip($"{EnvironmentVariable} is not set: run scripts/test.sh to test against a real PostgreSQL.");
            return "";
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var server = ServerConnectionString;
        var name = $"pa_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing any session still in it.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The same database, logged in as another role (the test cluster trusts local logins).</summary>
    public static string As(string connectionString, string role) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = role, Password = null }.ConnectionString;
}
