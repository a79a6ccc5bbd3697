using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// The freshness of every read: when the last fold committed. Events received before the fold
/// began are in the numbers (unless still waiting for their email.sent). Read at most every
/// half second, however many requests ask.
/// </summary>
public sealed class AsOf(AnalyticsDatabase database)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMilliseconds(500);

    private (DateTime? Value, long Expires) cached = (null, 0);

    public static Task<DateTime?> ForRequestAsync(HttpContext http) =>
        http.RequestServices.GetRequiredService<AsOf>().ReadAsync(http.RequestAborted);

    public async Task<DateTime?> ReadAsync(CancellationToken cancellationToken)
    {
        var current = cached;
        if (current.Expires > Environment.TickCount64)
        {
            return current.Value;
        }
        await using var connection = await database.OpenPipelineConnectionAsync(cancellationToken);
        var value = await connection.ScalarAsync<DateTime?>("SELECT updated FROM pipeline_state WHERE name = 'fold_seq'", cancellationToken);
        var utc = value is { } time ? StoredTime.AsUtc(time) : (DateTime?)null;
        cached = (utc, Environment.TickCount64 + (long)CacheFor.TotalMilliseconds);
        return utc;
    }
}
