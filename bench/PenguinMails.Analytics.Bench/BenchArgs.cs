namespace PenguinMails.Analytics.Bench;

/// <summary>The benchmarks' command-line options (<c>--name value</c>).</summary>
internal static class BenchArgs
{
    public static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
