using System.CommandLine;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Cluster;
using PenguinMails.Analytics.Compliance;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary>
/// <c>penguin-analytics anonymize --tenant T [--lead L]</c>: GDPR anonymization of a tenant, or
/// erasure of one lead, with pseudonyms keyed by <see cref="PseudonymKey.EnvironmentVariable"/>.
/// </summary>
public static class AnonymizeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant to anonymize (or whose lead to erase).", Required = true };
        var lead = new Option<string?>("--lead") { Description = "Erase only this lead of the tenant." };
        var command = new Command("anonymize",
            $"Replace a tenant's identifiers with stable pseudonyms everywhere and erase its personal fields (numbers are kept). Needs {PseudonymKey.EnvironmentVariable}.")
        {
            tenant, lead,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            await new SchemaMigrator(database).EnsureCurrentAsync(ct);
            var key = PseudonymKey.FromEnvironment();
            await using var cluster = await ClusterTopology.OpenAsync(database, ct);
            var result = cluster is null
                ? await new Anonymizer(database, key).AnonymizeAsync(parse.GetRequiredValue(tenant), parse.GetValue(lead), AdminActor.CommandLine, ct)
                : await new ClusterAnonymizer(cluster, key).AnonymizeAsync(parse.GetRequiredValue(tenant), parse.GetValue(lead), AdminActor.CommandLine, ct);
            var what = parse.GetValue(lead) is null ? "tenant" : "lead";
            Console.Out.WriteLine(result.Outcome == AnonymizationOutcome.AlreadyAnonymized
                ? $"{what} already anonymized as {result.Pseudonym}; nothing changed"
                : $"{what} anonymized as {result.Pseudonym}: {result.RowsChanged:N0} values replaced ({result.Elapsed.TotalSeconds:0.00} s)");
            return 0;
        }, cancellationToken));
        return command;
    }
}
