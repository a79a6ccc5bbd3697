using System.CommandLine;
using System.Globalization;
using PenguinMails.Analytics.Generation;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary><c>penguin-analytics generate</c>: writes a deterministic synthetic workload as NDJSON.</summary>
public static class GenerateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new WorkloadOptions();
        var tenants = new Option<int>("--tenants") { Description = "Tenants.", DefaultValueFactory = _ => defaults.Tenants };
        var emails = new Option<long>("--emails") { Description = "Campaign emails (warmup traffic comes on top).", DefaultValueFactory = _ => defaults.Emails };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed writes the same file.", DefaultValueFactory = _ => defaults.Seed };
        var days = new Option<int>("--days") { Description = "Days of traffic.", DefaultValueFactory = _ => defaults.Days };
        var perCampaign = new Option<int>("--emails-per-campaign") { Description = "Roughly how many emails a campaign sends (more campaigns when lower).", DefaultValueFactory = _ => defaults.EmailsPerCampaign };
        var end = new Option<string?>("--end") { Description = "Last day, exclusive (yyyy-MM-dd). Default: today (UTC)." };
        var output = new Option<string>("--out") { Description = "The file to write, or - for standard output.", Required = true };
        var command = new Command("generate", "Write a realistic synthetic cold-email workload (NDJSON, the ingest contract).")
        {
            tenants, emails, seed, days, perCampaign, end, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var options = new WorkloadOptions
                {
                    Tenants = parse.GetValue(tenants),
                    Emails = parse.GetValue(emails),
                    EmailsPerCampaign = Math.Max(1, parse.GetValue(perCampaign)),
                    Seed = parse.GetValue(seed),
                    Days = parse.GetValue(days),
                };
                if (options.Tenants < 1 || options.Emails < 0 || options.Days < 1)
                {
                    throw new AnalyticsException("--tenants and --days must be at least 1, --emails at least 0.");
                }
                if (parse.GetValue(end) is { } text)
                {
                    options.End = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                        ? day : throw new AnalyticsException($"--end must be a day like 2026-03-01, got \"{text}\"");
                }
                var path = parse.GetRequiredValue(output);
                var started = DateTime.UtcNow;
                await using var stream = path == "-" ? Console.OpenStandardOutput() : File.Create(path);
                var summary = await new WorkloadGenerator(options).WriteAsync(stream, cancellationToken);
                if (path != "-")
                {
                    Console.Out.WriteLine(
                        $"wrote {summary.Lines:N0} lines ({summary.CampaignEmails:N0} campaign emails, {summary.WarmupEmails:N0} warmup emails) "
                        + $"to {path} in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
                }
                return 0;
            }
            catch (Exception e) when (e is AnalyticsException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return CommandRunner.Failure;
            }
        });
        return command;
    }
}
