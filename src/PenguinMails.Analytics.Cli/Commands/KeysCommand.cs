using System.CommandLine;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Cluster;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Security;
using PenguinMails.Analytics.Storage.Migrations;
using Spectre.Console;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary><c>penguin-analytics keys create|list|revoke</c>: API keys, stored hashed, one tenant and role each.</summary>
public static class KeysCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var tenant = new Option<string?>("--tenant") { Description = "The tenant the key belongs to (an admin key needs none: it reads every tenant)." };
        var role = new Option<string>("--role") { Description = "viewer, tenant_admin, ingest or admin.", Required = true };
        role.AcceptOnlyFromAmong("viewer", "tenant_admin", "ingest", "admin");
        var name = new Option<string?>("--name") { Description = "A name to recognise the key by." };
        var create = new Command("create", "Mint a key; its secret is printed once and never stored.") { tenant, role, name };
        create.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            await new SchemaMigrator(database).EnsureCurrentAsync(ct);
            var keyRole = ApiKeyRoles.Parse(parse.GetRequiredValue(role));
            var tenantId = parse.GetValue(tenant);
            if (tenantId is null && keyRole != ApiKeyRole.Admin)
            {
                throw new AnalyticsException($"{keyRole.ToName()} keys belong to one tenant: add --tenant.");
            }
            if (tenantId is not null)
            {
                // On a cluster the keys live on the coordinator and the tenants on the shards.
                await using var cluster = await ClusterTopology.OpenAsync(database, ct);
                await KnownTenants.RequireAsync(cluster?.CrossTenant ?? database, tenantId, ct);
            }
            var (key, token) = await new ApiKeyStore(database).CreateAsync(tenantId ?? ApiKey.PlatformTenant, keyRole, parse.GetValue(name), AdminActor.CommandLine, ct);
            Console.Error.WriteLine($"created key {key.Id} ({key.Role.ToName()}) for {(tenantId is null ? "every tenant" : $"tenant {key.TenantId}")}; the secret below is shown once:");
            Console.Out.WriteLine(token);
            return 0;
        }, cancellationToken));

        var listTenant = new Option<string?>("--tenant") { Description = "Only this tenant's keys." };
        var list = new Command("list", "List keys (never their secrets).") { listTenant };
        list.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            await new SchemaMigrator(database).EnsureCurrentAsync(ct);
            var table = new Table().AddColumns("id", "tenant", "role", "name", "created", "revoked");
            foreach (var key in await new ApiKeyStore(database).ListAsync(parse.GetValue(listTenant), ct))
            {
                table.AddRow(Markup.Escape(key.Id), Markup.Escape(key.TenantId), key.Role.ToName(), Markup.Escape(key.Name ?? ""),
                    key.Created.ToString("u", System.Globalization.CultureInfo.InvariantCulture), key.Revoked?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "");
            }
            AnsiConsole.Write(table);
            return 0;
        }, cancellationToken));

        var id = new Argument<string>("id") { Description = "The key id (the part after pma_)." };
        var revoke = new Command("revoke", "Revoke a key: it stops working at once.") { id };
        revoke.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            await new SchemaMigrator(database).EnsureCurrentAsync(ct);
            if (!await new ApiKeyStore(database).RevokeAsync(parse.GetRequiredValue(id), AdminActor.CommandLine, ct))
            {
                throw new AnalyticsException($"No active key '{parse.GetRequiredValue(id)}'.");
            }
            Console.Out.WriteLine($"revoked key {parse.GetRequiredValue(id)}");
            return 0;
        }, cancellationToken));

        return new Command("keys", "Manage API keys.") { create, list, revoke };
    }
}
