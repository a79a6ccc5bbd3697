namespace PenguinMails.Analytics.Api;

/// <summary>How <c>serve</c> runs.</summary>
public sealed class ApiOptions
{
    /// <summary>Where Kestrel listens (<c>http://127.0.0.1:0</c> picks a free port).</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// Logs as JSON lines (for a collector) instead of one readable line per message; the default
    /// is JSON unless standard output is a terminal, where people read it.
    /// </summary>
    public bool JsonLogs { get; set; } = Console.IsOutputRedirected;

    /// <summary>API, workers, or both.</summary>
    public ServeRole Role { get; set; } = ServeRole.All;

    /// <summary>The largest request body <c>POST /v1/ingest</c> accepts, as sent (compressed or not).</summary>
    public long MaxIngestBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The largest body after gzip decompression (a small body must not inflate without bound).</summary>
    public long MaxDecompressedIngestBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>The rate limit of a tenant and query type that has no row in <c>analytics_rate_limits</c>.</summary>
    public (int MaxQueries, TimeSpan Window) DefaultRateLimit { get; set; } = (600, TimeSpan.FromMinutes(1));

    /// <summary>How long a checked API key is remembered; a key revoked by another process stops working within this time.</summary>
    public TimeSpan KeyCacheFor { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>When (UTC time of day) the daily maintenance job is queued; null: never (run <c>maintain</c> from cron instead).</summary>
    public TimeSpan? MaintenanceAt { get; set; } = TimeSpan.FromHours(3);

    /// <summary>The retention window of the scheduled maintenance (null: <see cref="Maintenance.MaintenanceOptions"/>' two years).</summary>
    public int? MaintenanceRetentionDays { get; set; }

    /// <summary>How often pool metrics are sampled into <c>analytics_pool_metrics</c>.</summary>
    public TimeSpan PoolMetricsInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the guide's pool tuning rules run.</summary>
    public TimeSpan PoolTuningInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long an API session lasts from a key's first request (a new one opens after it).</summary>
    public TimeSpan SessionWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often expired sessions are closed.</summary>
    public TimeSpan SessionSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The key of GDPR pseudonyms (<c>serve</c> reads PENGUIN_ANALYTICS_PSEUDONYM_KEY); without it anonymization answers 503.</summary>
    public Compliance.PseudonymKey? PseudonymKey { get; set; }

    /// <summary>Where export files go and their key (default: <see cref="Exports.ExportOptions.FromEnvironment"/>).</summary>
    public Exports.ExportOptions? Exports { get; set; }

    /// <summary>How long a successful read is served from memory (see <see cref="Endpoints.ResponseCache"/>); zero turns it off.</summary>
    public TimeSpan ResponseCacheFor { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Tests only: reads without the query layer's tenant predicate (see <see cref="Storage.TenantScope"/>).</summary>
    internal bool WithoutQueryLayerFilter { get; set; }
}
