using Npgsql;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Tests.Storage;

public sealed class DatabaseTargetTests
{
    [Fact]
    public void no_value_and_no_environment_means_the_embedded_default()
    {
        var previous = Environment.GetEnvironmentVariable(DatabaseTarget.EnvironmentVariable);
        Environment.SetEnvironmentVariable(DatabaseTarget.EnvironmentVariable, null);
        try
        {
            var target = DatabaseTarget.Resolve(null);

            Assert.Equal(StorageEngine.DuckDb, target.Engine);
            Assert.Equal(Path.GetFullPath("data/analytics.duckdb"), target.ConnectionString);
        }
        finally
        {
            Environment.SetEnvironmentVariable(DatabaseTarget.EnvironmentVariable, previous);
        }
    }

    [Theory]
    [InlineData("analytics.duckdb")]
    [InlineData("/var/lib/penguin/a.duckdb")]
    [InlineData("./data/with;semicolon.duckdb")]
    public void a_path_is_a_duckdb_file(string value)
    {
        var target = DatabaseTarget.Parse(value);

        Assert.Equal(StorageEngine.DuckDb, target.Engine);
        Assert.Equal(Path.GetFullPath(value), target.ConnectionString);
    }

    [Theory]
    [InlineData("Host=db.internal;Database=analytics;Username=penguin;Password=s3cret")]
    [InlineData("host=db.internal;database=analytics;username=penguin;password=s3cret")]
    [InlineData("Server=db.internal;Database=analytics;User ID=penguin;Password=s3cret")]
    public void a_connection_string_is_postgres_and_its_display_hides_the_password(string value)
    {
        var target = DatabaseTarget.Parse(value);

        Assert.Equal(StorageEngine.Postgres, target.Engine);
        Assert.Equal("PostgreSQL penguin@db.internal:5432/analytics", target.Display);
        Assert.DoesNotContain("s3cret", target.Display, StringComparison.Ordinal);
        Assert.Equal("s3cret", new NpgsqlConnectionStringBuilder(target.ConnectionString).Password);
    }

    [Fact]
    public void a_postgresql_uri_becomes_a_connection_string()
    {
        var target = DatabaseTarget.Parse("postgresql://pen%40guin:p%3Ass@db.internal:6543/analytics?sslmode=require&application_name=pa");

        var builder = new NpgsqlConnectionStringBuilder(target.ConnectionString);
        Assert.Equal(StorageEngine.Postgres, target.Engine);
        Assert.Equal("db.internal", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("analytics", builder.Database);
        Assert.Equal("pen@guin", builder.Username);
        Assert.Equal("p:ss", builder.Password);
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.Equal("pa", builder.ApplicationName);
    }

    [Fact]
    public void a_postgres_scheme_uri_without_credentials_is_accepted()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseTarget.Parse("postgres://127.0.0.1/analytics").ConnectionString);

        Assert.Equal("127.0.0.1", builder.Host);
        Assert.Equal("analytics", builder.Database);
    }

    [Fact]
    public void an_unknown_uri_parameter_is_named_in_the_error()
    {
        var error = Assert.Throws<AnalyticsException>(() => DatabaseTarget.Parse("postgresql://h/db?frobnicate=1"));

        Assert.Contains("'frobnicate'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_broken_connection_string_says_what_is_wrong()
    {
        var error = Assert.Throws<AnalyticsException>(() => DatabaseTarget.Parse("Host=x;Nonsense Keyword=1"));

        Assert.Contains("not valid", error.Message, StringComparison.Ordinal);
    }
}
