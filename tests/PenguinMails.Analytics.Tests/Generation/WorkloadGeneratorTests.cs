using System.Text;
using System.Text.Json;
using PenguinMails.Analytics.Generation;

namespace PenguinMails.Analytics.Tests.Generation;

public sealed class WorkloadGeneratorTests
{
    private static async Task<(string Text, WorkloadGenerator.Summary Summary)> GenerateAsync(int seed)
    {
        using var stream = new MemoryStream();
        var summary = await new WorkloadGenerator(new WorkloadOptions { Seed = seed, Tenants = 2, Emails = 3_000, Days = 20, End = new DateOnly(2026, 5, 1) })
            .WriteAsync(stream, TestContext.Current.CancellationToken);
        return (Encoding.UTF8.GetString(stream.ToArray()), summary);
    }

    [Fact]
    public async Task the_same_seed_writes_the_same_bytes_and_another_seed_does_not()
    {
        var (a, _) = await GenerateAsync(1);
        var (b, _) = await GenerateAsync(1);
        var (c, _) = await GenerateAsync(2);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public async Task the_workload_has_the_asked_volume_and_the_untidiness_of_real_producers()
    {
        var (text, summary) = await GenerateAsync(3);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var types = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()).ToList();

        Assert.Equal(summary.Lines, lines.Length);
        Assert.Equal(3_000, summary.CampaignEmails);
        Assert.Equal(3_000 + summary.WarmupEmails, types.Count(t => t == "email.sent"));
        Assert.InRange(summary.WarmupEmails, 1, 600);
        foreach (var type in new[] { "email.delivered", "email.opened", "email.clicked", "email.replied", "email.bounced", "email.unsubscribed", "mailbox.health", "sequence_step" })
        {
            Assert.Contains(type, types);
        }
        var eventIds = lines.Where(l => l.Contains("\"event_id\"", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event_id").GetString()).ToList();
        Assert.True(eventIds.Count > eventIds.Distinct().Count(), "some events are repeated, as a producer retry would");
        var firstSeen = new Dictionary<string, string>();
        foreach (var line in lines.Where(l => l.Contains("\"email_id\"", StringComparison.Ordinal)))
        {
            var root = JsonDocument.Parse(line).RootElement;
            firstSeen.TryAdd(root.GetProperty("email_id").GetString()!, root.GetProperty("type").GetString()!);
        }
        Assert.Contains(firstSeen.Values, t => t != "email.sent"); // some events come before their email.sent
    }
}
