using System.Diagnostics;

namespace PenguinMails.Analytics.IntegrationTests.Infrastructure;

/// <summary>Runs the real <c>penguin-analytics</c> executable (built next to the tests) as a child process.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Task<Result> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    /// <summary>Runs the executable with extra environment variables (a null value removes one).</summary>
    public static Task<Result> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunUnderUmaskAsync(environment, umask: null, args);

    /// <summary>
    /// Runs the executable under a umask (through /bin/sh), as a service started with a permissive
    /// one would be: the test process's own umask may have been narrowed by the product.
    /// </summary>
    public static async Task<Result> RunUnderUmaskAsync(IReadOnlyDictionary<string, string?> environment, string? umask, params string[] args)
    {
        using var process = Start(environment, umask, args);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Runs the executable and kills it (SIGKILL, as kill -9) <paramref name="after"/> its start;
    /// true when it was still running then, false when it had ended by itself.
    /// </summary>
    public static async Task<bool> RunAndKillAsync(TimeSpan after, params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await Task.WhenAny(process.WaitForExitAsync(TestContext.Current.CancellationToken), Task.Delay(after, TestContext.Current.CancellationToken));
        var killed = !process.HasExited;
        if (killed)
        {
            process.Kill();
        }
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        await Task.WhenAll(stdout, stderr);
        return killed;
    }

    /// <summary>Starts the executable and returns the running process (to kill it, for example).</summary>
    public static Process Start(params string[] args) => Start(new Dictionary<string, string?>(), null, args);

    private static Process Start(IReadOnlyDictionary<string, string?> environment, string? umask, string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(umask is null ? dotnet : "/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (umask is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"umask {umask} && exec \"$0\" \"$@\"");
            start.ArgumentList.Add(dotnet);
        }
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "penguin-analytics.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("PENGUIN_ANALYTICS_DB");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start penguin-analytics");
    }
}
