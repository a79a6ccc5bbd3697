using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// The freshness of every read: when the last fold committed. Events received before the fold
/// began are in the numbers (unless still waiting for their email.sent).
/// </summary>
public static class AsOf
{
    public static async Task<DateTime?> ReadAsync(AnalyticsDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenPipelineConnectionAsync(cancellationToken);
        var value = await connection.ScalarAsync<DateTime?>("SELECT updated FROM pipeline_state WHERE name = 'fold_seq'", cancellationToken);
        return value is { } time ? DateTime.SpecifyKind(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time, DateTimeKind.Utc) : null;
    }
}
