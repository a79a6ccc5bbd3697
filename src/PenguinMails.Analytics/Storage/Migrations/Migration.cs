namespace PenguinMails.Analytics.Storage.Migrations;

/// <summary>One numbered schema version: an embedded SQL file per engine, applied in one transaction.</summary>
/// <param name="Version">The number that orders migrations (the file's NNN prefix).</param>
/// <param name="Name">The file name after the number, for people.</param>
/// <param name="Sql">The statements to run.</param>
public sealed record Migration(int Version, string Name, string Sql);
