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

    /// <summary>
    /// Creates an empty database and returns its connection string: owned by, and logged in as, a
    /// role of its own that is no superuser (LOGIN CREATEROLE, as README "PostgreSQL" says), so
    /// that row-level security is in the way as it is for users; or as the server's superuser.
    /// </summary>
    public static async Task<string> CreateDatabaseAsync(bool asSuperuser = false)
    {
        var server = ServerConnectionString;
        var id = Guid.NewGuid().ToString("N");
        var name = $"pa_test_{id}";
        var owner = $"pa_owner_{id}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            if (!asSuperuser)
            {
                await using var role = new NpgsqlCommand($"CREATE ROLE {owner} LOGIN CREATEROLE NOSUPERUSER", connection);
                await role.ExecuteNonQueryAsync();
            }
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0{(asSuperuser ? "" : $" OWNER {owner}")}", connection);
            await command.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false };
        if (!asSuperuser)
        {
            builder.Username = owner;
            builder.Password = null;
        }
        return builder.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing any session still in it.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection))
        {
            await command.ExecuteNonQueryAsync();
        }
        var owner = new NpgsqlConnectionStringBuilder(connectionString).Username;
        if (owner?.StartsWith("pa_owner_", StringComparison.Ordinal) == true)
        {
            await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {owner}", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// The same login with the admin context the product's pipeline connections carry
    /// (<c>app.user_role = 'admin'</c>): the owner is no superuser, so row-level security applies to it too.
    /// </summary>
    public static string WithAdminContext(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Options = "-c app.user_role=admin" }.ConnectionString;

    /// <summary>The same database as the server's superuser, for what only a superuser may read (pg_statistic_ext_data).</summary>
    public static string AsSuperuser(string connectionString) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = new NpgsqlConnectionStringBuilder(connectionString).Database, Pooling = false }.ConnectionString;

    /// <summary>The same database, logged in as another role (the test cluster trusts local logins).</summary>
    public static string As(string connectionString, string role) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = role, Password = null }.ConnectionString;
}
