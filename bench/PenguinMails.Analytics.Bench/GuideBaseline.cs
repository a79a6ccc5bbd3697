using System.Diagnostics;
using System.Globalization;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Bench;

/// <summary>
/// The guide's own approach (its <c>aggregateCampaignAnalytics</c>): per campaign and day, read
/// the campaign's steps, then one counting query per step over the day's emails, each its own
/// round trip, with the index that needs (campaign, step, sent_at). Run on a random sample of the
/// campaign-days the database holds and extrapolated to all of them.
/// </summary>
internal static class GuideBaseline
{
    public static async Task<(TimeSpan Extrapolated, TimeSpan Index, int Sampled, long CampaignDays)> RunAsync(AnalyticsDatabase database, int sample)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync();
        var index = Stopwatch.StartNew();
        await connection.ExecuteAsync("CREATE INDEX guide_emails_campaign_step_day ON emails (campaign_key, step_key, sent_at)", CancellationToken.None);
        index.Stop();
        try
        {
            var campaignDays = await connection.ScalarAsync<long>("SELECT COUNT(*) FROM daily_campaign_stats", CancellationToken.None);
            var pairs = new List<(int Campaign, string CampaignId, DateTime Day)>();
            await using (var command = connection.CreateCommand(
                "SELECT c.campaign_key, d.campaign_id, d.day FROM daily_campaign_stats d JOIN campaigns c ON c.id = d.campaign_id ORDER BY md5(d.campaign_id || CAST(d.day AS TEXT)) LIMIT $1", sample))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    pairs.Add((reader.GetInt32(0), reader.GetString(1), reader.GetValue(2) switch
                    {
                        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
                        var other => Convert.ToDateTime(other, CultureInfo.InvariantCulture),
                    }));
                }
            }
            var watch = Stopwatch.StartNew();
            foreach (var (campaign, campaignId, day) in pairs)
            {
                var steps = new List<int>();
                await using (var command = connection.CreateCommand("SELECT step_key FROM sequence_steps WHERE campaign_id = $1", campaignId))
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        steps.Add(reader.GetInt32(0));
                    }
                }
                var from = new DateTimeOffset(DateTime.SpecifyKind(day, DateTimeKind.Utc));
                foreach (var step in steps)
                {
                    await using var command = connection.CreateCommand(
                        "SELECT COUNT(*), COUNT(delivered_at), COUNT(opened_at), COUNT(clicked_at), COUNT(replied_at), COUNT(bounced_at), COUNT(unsubscribed_at), COUNT(complained_at) "
                        + "FROM emails WHERE campaign_key = $1 AND step_key = $2 AND sent_at >= $3 AND sent_at < $4",
                        campaign, step, from, from.AddDays(1));
                    await using var reader = await command.ExecuteReaderAsync();
                    await reader.ReadAsync();
                }
            }
            watch.Stop();
            var extrapolated = pairs.Count == 0 ? TimeSpan.Zero : watch.Elapsed * ((double)campaignDays / pairs.Count);
            return (extrapolated, index.Elapsed, pairs.Count, campaignDays);
        }
        finally
        {
            await connection.ExecuteAsync("DROP INDEX guide_emails_campaign_step_day", CancellationToken.None);
        }
    }
}
