using System.Globalization;
using Microsoft.Playwright;

namespace PenguinMails.Analytics.DashboardTests;

/// <summary>
/// One browser context (its own session storage) on the dashboard, with the waits the pages
/// need: every render stamps <c>#view[data-render]</c> and ends in <c>data-state</c>
/// <c>ready</c>, <c>error</c> or <c>signin</c>.
/// </summary>
public sealed class DashboardPage(DemoServer server, IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IPage Page => page;

    public static async Task<DashboardPage> OpenAsync(DemoServer server, int width = 1366, int height = 900)
    {
        ArgumentNullException.ThrowIfNull(server);
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(server.Address.ToString());
        await page.WaitForSelectorAsync("#view[data-state=signin]");
        return new DashboardPage(server, context, page);
    }

    /// <summary>Types the key into the sign-in form; waits for the first page or the form's message.</summary>
    public async Task SignInAsync(string key)
    {
        await page.FillAsync("#api-key", key);
        var before = await RenderAsync();
        await page.ClickAsync(".signin button[type=submit]");
        await page.WaitForFunctionAsync(
            "n => Number(document.getElementById('view').dataset.render) > n && ['ready','error'].includes(document.getElementById('view').dataset.state) || document.querySelector('.signin .message')",
            before);
    }

    /// <summary>Goes to a hash route (e.g. "campaigns?from=...") and waits until it has rendered.</summary>
    public async Task GoAsync(string route)
    {
        var before = await RenderAsync();
        await page.EvaluateAsync("route => { location.hash = '#/' + route; }", route);
        await WaitForRenderAfterAsync(before);
    }

    /// <summary>Runs an action that re-renders the page (a click, a form) and waits for the new render.</summary>
    public async Task ThenRenderAsync(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var before = await RenderAsync();
        await action();
        await WaitForRenderAfterAsync(before);
    }

    public Task<string> StateAsync() => page.GetAttributeAsync("#view", "data-state")!;

    /// <summary>The raw number behind a KPI tile (null when the tile shows none).</summary>
    public async Task<double?> KpiAsync(string kpi)
    {
        var text = await page.GetAttributeAsync($"[data-kpi={kpi}]", "data-value");
        return string.IsNullOrEmpty(text) ? null : double.Parse(text, CultureInfo.InvariantCulture);
    }

    public async Task ScreenshotAsync(string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.ScreenshotDirectory, name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync() => await context.CloseAsync();

    private async Task<int> RenderAsync() =>
        int.Parse(await page.GetAttributeAsync("#view", "data-render") ?? "0", CultureInfo.InvariantCulture);

    private async Task WaitForRenderAfterAsync(int before) => await page.WaitForFunctionAsync(
        "n => Number(document.getElementById('view').dataset.render) > n && ['ready','error','signin'].includes(document.getElementById('view').dataset.state)",
        before);
}
