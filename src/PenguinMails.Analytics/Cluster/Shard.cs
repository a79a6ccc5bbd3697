using Npgsql;

namespace PenguinMails.Analytics.Cluster;

/// <summary>One shard of a cluster: a complete PenguinMails database on its own PostgreSQL server.</summary>
/// <param name="Name">The shard's name (<c>shard1</c>, …), also its partition value on the coordinator.</param>
/// <param name="Ordinal">The shard's number; its identity columns count from <c>Ordinal &lt;&lt; 40</c>.</param>
/// <param name="ConnectionString">How the product reaches it (may hold a password: never print it).</param>
public sealed record Shard(string Name, int Ordinal, string ConnectionString)
{
    /// <summary>Where the shard is, without secrets: <c>postgresql://user@host:port/db</c>.</summary>
    public string Uri
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        }
    }
}
