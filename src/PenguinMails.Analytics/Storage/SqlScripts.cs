using System.Reflection;

namespace PenguinMails.Analytics.Storage;

/// <summary>
/// The SQL files embedded in the library for one engine. A file <c>Storage/Postgres/Schema/001_core.sql</c>
/// is the resource of that name; a missing file is a clear error rather than a null.
/// </summary>
public sealed class SqlScripts
{
    private static readonly Assembly Assembly = typeof(SqlScripts).Assembly;

    internal SqlScripts(StorageEngine engine)
    {
        Engine = engine;
        EngineFolder = engine == StorageEngine.Postgres ? "Postgres" : "DuckDb";
    }

    /// <summary>The engine whose files these are.</summary>
    public StorageEngine Engine { get; }

    /// <summary>The folder name used for this engine's files: <c>Postgres</c> or <c>DuckDb</c>.</summary>
    public string EngineFolder { get; }

    /// <summary>All resource names under <paramref name="folder"/> for this engine, sorted.</summary>
    public IReadOnlyList<string> List(string folder)
    {
        var prefix = $"{folder.TrimEnd('/')}/{EngineFolder}/";
        return Assembly.GetManifestResourceNames()
            .Select(name => name.Replace('\\', '/'))
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The text of the resource <paramref name="resourceName"/>.</summary>
    public static string Read(string resourceName)
    {
        using var stream = Assembly.GetManifestResourceStream(resourceName)
            ?? Assembly.GetManifestResourceStream(resourceName.Replace('/', '\\'))
            ?? throw new InvalidOperationException($"The embedded SQL file '{resourceName}' is missing from {Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The text of <c>{folder}/{engine}/{file}</c>, for example <c>Get("Aggregation/Sql", "recompute.sql")</c>;
    /// when the engine has no file of that name, the one both engines share in <c>{folder}/Common/{file}</c>.
    /// </summary>
    public string Get(string folder, string file)
    {
        var own = $"{folder.TrimEnd('/')}/{EngineFolder}/{file}";
        var shared = $"{folder.TrimEnd('/')}/Common/{file}";
        return Exists(own) ? Read(own)
            : Exists(shared) ? Read(shared)
            : throw new InvalidOperationException($"The embedded SQL file '{own}' (or '{shared}') is missing from {Assembly.GetName().Name}.");
    }

    /// <summary>
    /// The statements of a script (see <see cref="Get"/>), split where a line ends with a semicolon.
    /// Scripts are run statement by statement so that an error names the statement that failed.
    /// </summary>
    public IReadOnlyList<string> Statements(string folder, string file) =>
        Cache.GetOrAdd((EngineFolder, folder, file), key => Split(Get(key.Folder, key.File))
            .Where(statement => Engine == StorageEngine.Postgres || !IsAnalyze(statement)).ToList());

    // The shared scripts ANALYZE their temp tables for PostgreSQL, which plans them blind
    // otherwise. DuckDB keeps its statistics as it writes; its ANALYZE only recounts distinct
    // values, and cost 0.2 s of a 6 s ingest and 0.25 s of a 3 s fold without changing a plan
    // (bench/README, "What was measured before and after").
    private static bool IsAnalyze(string statement) => statement.StartsWith("ANALYZE ", StringComparison.OrdinalIgnoreCase);

    internal static IReadOnlyList<string> Split(string script)
    {
        var statements = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var line in script.Split('\n'))
        {
            var trimmed = line.TrimEnd();
            if (current.Length == 0 && (trimmed.Length == 0 || trimmed.StartsWith("--", StringComparison.Ordinal)))
            {
                continue;
            }
            current.Append(trimmed).Append('\n');
            if (trimmed.EndsWith(';'))
            {
                statements.Add(current.ToString().TrimEnd().TrimEnd(';'));
                current.Clear();
            }
        }
        if (current.ToString().Trim().Length > 0)
        {
            statements.Add(current.ToString().Trim());
        }
        return statements;
    }

    private static bool Exists(string resourceName) =>
        Assembly.GetManifestResourceInfo(resourceName) is not null
        || Assembly.GetManifestResourceInfo(resourceName.Replace('/', '\\')) is not null;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Engine, string Folder, string File), IReadOnlyList<string>> Cache = new();
}
