using Microsoft.Playwright;
using PosOps.IntegrationTests.Cli;

namespace PosOps.IntegrationTests.Dashboard;

/// <summary>
/// The dashboard open in Debian's headless Chromium (driven by Playwright, no browser download),
/// signed in with the test's ops key as "li.wei". Page errors are collected for the test to check.
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    private readonly IPlaywright playwright;
    private readonly IBrowser browser;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        this.playwright = playwright;
        this.browser = browser;
        Page = page;
        page.PageError += (_, e) => Errors.Add(e);
    }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    public static async Task<DashboardBrowser> OpenAsync(Uri api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var playwright = await Playwright.CreateAsync();
        IBrowser? browser = null;
        try
        {
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath(),
                Headless = true,
                Args = ["--no-sandbox", "--disable-dev-shm-usage"],
            });
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 }, Locale = "en-US" });
            var opened = new DashboardBrowser(playwright, browser, page);
            await page.GotoAsync(api.ToString().TrimEnd('/') + "/");

            // First visit: the page asks for the API key and the operator's name once.
            await page.GetByTestId("api-key").FillAsync(CliRunner.OpsKey);
            await page.GetByTestId("user-name").FillAsync("li.wei");
            await page.GetByTestId("save-key").ClickAsync();
            Assert.Equal(CliRunner.OpsKey, await page.EvaluateAsync<string>("localStorage.getItem('posops.apiKey')"));
            return opened;
        }
        catch
        {
            // No Chromium left behind when the page cannot be opened.
            if (browser is not null)
            {
                await browser.DisposeAsync();
            }

            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Saves a full-page screenshot under .posops/artifacts/ and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string fileName)
    {
        var path = Path.Combine(TestServers.RepositoryRoot(), ".posops", "artifacts", fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Console.WriteLine($"dashboard screenshot: {path}");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }

    private static string ChromiumPath()
    {
        var path = Environment.GetEnvironmentVariable("POSOPS_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"Chromium not found at {path}: ./test.sh installs it as root (apt-get install -y chromium), or set POSOPS_CHROMIUM");
    }
}
