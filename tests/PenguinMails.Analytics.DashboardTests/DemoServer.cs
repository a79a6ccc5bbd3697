using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(PenguinMails.Analytics.DashboardTests.DemoServer))]

namespace PenguinMails.Analytics.DashboardTests;

/// <summary>
/// One real <c>penguin-analytics serve --demo</c> on a loopback port (its generated workload in a
/// fresh DuckDB file) and one headless Debian Chromium for every dashboard test. The keys are the
/// ones the demo prints.
/// </summary>
public sealed partial class DemoServer : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private readonly string directory = Path.Combine(Path.GetTempPath(), $"penguin-dashboard-{Guid.NewGuid():N}");
    private readonly Dictionary<string, string> keys = [];
    private readonly Dictionary<string, TimeZoneInfo> zones = [];
    private Process? server;
    private IPlaywright? playwright;

    public Uri Address { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: TestResults/dashboard under the repository (ignored by git).</summary>
    public string ScreenshotDirectory { get; } = Path.Combine(RepositoryRoot(), "TestResults", "dashboard");

    /// <summary>The demo key of a role and tenant, e.g. Key("viewer", "t1").</summary>
    public string Key(string role, string tenant) => keys[$"{role} {tenant}"];

    /// <summary>Today in the tenant's time zone: the dashboard's days are its local days.</summary>
    public DateOnly Today(string tenant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zones[tenant]));

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        Directory.CreateDirectory(ScreenshotDirectory);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "penguin-analytics.dll"), "serve", "--demo", "--db", Path.Combine(directory, "demo.duckdb"), "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("PENGUIN_ANALYTICS_DB");
        server = Process.Start(start) ?? throw new InvalidOperationException("could not start penguin-analytics serve --demo");
        var stderr = server.StandardError.ReadToEndAsync();

        // "serving http://127.0.0.1:PORT/", then one line per key: "  ROLE  TENANT  NAME  pma_...".
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (keys.Count < 5)
        {
            var line = await server.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"serve --demo ended before printing its keys: {await stderr}");
            if (line.StartsWith("serving ", StringComparison.Ordinal))
            {
                Address = new Uri(line["serving ".Length..]);
            }
            else if (KeyLine().Match(line) is { Success: true } match)
            {
                keys[$"{match.Groups[1].Value} {match.Groups[2].Value}"] = match.Groups[3].Value;
            }
        }
        _ = server.StandardOutput.ReadToEndAsync(); // keep draining the JSON logs
        foreach (var tenant in keys.Keys.Where(k => k.StartsWith("viewer ", StringComparison.Ordinal)).Select(k => k["viewer ".Length..]))
        {
            zones[tenant] = TimeZoneInfo.FindSystemTimeZoneById((await GetJsonAsync(Key("viewer", tenant), "/v1/me")).GetProperty("time_zone").GetString()!);
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        playwright?.Dispose();
        if (server is { HasExited: false })
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        server?.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>A GET of the API with a key, as JSON.</summary>
    public async Task<JsonElement> GetJsonAsync(string key, string pathAndQuery)
    {
        using var http = new HttpClient { BaseAddress = Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return document.RootElement.Clone();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PenguinMails.Analytics.slnx")))
            {
                return dir.FullName;
            }
        }
        return AppContext.BaseDirectory;
    }

    [GeneratedRegex(@"^\s+(admin|tenant_admin|viewer|ingest)\s+(\S+)\s+.*\s(pma_\S+)$")]
    private static partial Regex KeyLine();
}
