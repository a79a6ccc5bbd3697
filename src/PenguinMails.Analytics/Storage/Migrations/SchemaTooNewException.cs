namespace PenguinMails.Analytics.Storage.Migrations;

/// <summary>The database was migrated by a newer program; this one must not touch it.</summary>
public sealed class SchemaTooNewException : AnalyticsException
{
    /// <summary>Creates the error for a database at <paramref name="databaseVersion"/>.</summary>
    public SchemaTooNewException(string database, int databaseVersion, int programVersion)
        : base($"{database} is at schema version {databaseVersion}, newer than this program knows ({programVersion}). "
             + "Upgrade penguin-analytics; an older program must not change a newer schema.")
    {
        DatabaseVersion = databaseVersion;
        ProgramVersion = programVersion;
    }

    /// <summary>The version recorded in the database.</summary>
    public int DatabaseVersion { get; }

    /// <summary>The newest version this program knows.</summary>
    public int ProgramVersion { get; }
}
