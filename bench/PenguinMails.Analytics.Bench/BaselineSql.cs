namespace PenguinMails.Analytics.Bench;

/// <summary>The baselines' SQL files (<c>Sql/*.sql</c>, embedded by file name).</summary>
internal static class BaselineSql
{
    public static async Task<string> ReadAsync(string file)
    {
        await using var stream = typeof(BaselineSql).Assembly.GetManifestResourceStream(file)
            ?? throw new InvalidOperationException($"The bench has no embedded Sql/{file}.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
