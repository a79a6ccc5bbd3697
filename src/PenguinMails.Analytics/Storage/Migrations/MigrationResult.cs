namespace PenguinMails.Analytics.Storage.Migrations;

/// <summary>What a migrate run did.</summary>
/// <param name="PreviousVersion">The schema version before the run; 0 for an empty database.</param>
/// <param name="CurrentVersion">The schema version after the run.</param>
/// <param name="Applied">The migrations this run applied, in order; empty when already current.</param>
public sealed record MigrationResult(int PreviousVersion, int CurrentVersion, IReadOnlyList<Migration> Applied);
