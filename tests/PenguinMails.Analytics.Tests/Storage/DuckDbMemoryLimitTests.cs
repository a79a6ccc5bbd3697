using PenguinMails.Analytics.Storage.DuckDb;

namespace PenguinMails.Analytics.Tests.Storage;

public sealed class DuckDbMemoryLimitTests
{
    [Theory]
    [InlineData(null, null)] // DuckDB's own default
    [InlineData("", null)]
    [InlineData("2GB", "2GB")]
    [InlineData(" 512 mb ", "512MB")]
    [InlineData("1.5GiB", "1.5GIB")]
    public void an_amount_of_memory_is_taken_as_duckdb_writes_it(string? value, string? expected) =>
        Assert.Equal(expected, DuckDbMemoryLimit.FromEnvironment(name => name == DuckDbMemoryLimit.Variable ? value : null));

    [Theory]
    [InlineData("lots")]
    [InlineData("512")] // no unit
    [InlineData("0GB")]
    [InlineData("-1GB")]
    [InlineData("2GB'; SET enable_external_access = true; --")]
    public void anything_else_is_refused_by_name(string value)
    {
        var error = Assert.Throws<AnalyticsException>(() => DuckDbMemoryLimit.FromEnvironment(name => name == DuckDbMemoryLimit.Variable ? value : null));

        Assert.Equal($"PENGUIN_ANALYTICS_DUCKDB_MEMORY_LIMIT must be an amount of memory like 2GB or 512MB (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), got \"{value}\"", error.Message);
    }
}
