using Microsoft.Playwright;
using PosOps.IntegrationTests.Cli;
using Xunit.Abstractions;

namespace PosOps.IntegrationTests.Dashboard;

/// <summary>
/// The dashboard in a real headless Chromium (Debian's package, driven by Playwright; no browser
/// download): an incident from a simulated terminal appears live, ops acknowledge it, and a
/// screenshot is kept under .posops/artifacts/.
/// </summary>
public sealed class DashboardTests(TestServers servers, ITestOutputHelper output) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    protected override IReadOnlyDictionary<string, string?> Settings => CliRunner.AuthSettings;

    [Fact]
    public async Task GivenTheDashboard_WhenAFaultOpensAnIncident_ThenItAppearsLive_AndOpsAcknowledgeIt()
    {
        var healthy = Messages.NewDeviceId("S02");
        await System.Agent.PublishAsync(Messages.Heartbeat(healthy, 1), default);
        await using var browser = await DashboardBrowser.OpenAsync(System.Api.BaseAddress!);
        var page = browser.Page;
        await Assertions.Expect(page.Locator($"[data-store='S02'] .dot[data-device='{healthy}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-mode", "live", new LocatorAssertionsToHaveAttributeOptions { Timeout = 15_000 });

        // A terminal reports a blocking fault while the page is open.
        var device = Messages.NewDeviceId("S01");
        await System.Agent.PublishAsync(Messages.Heartbeat(device, 1), default);
        await System.Agent.PublishAsync(Messages.Fault(device, 2, "card-reader", "READER_FAULT"), default);
        var row = page.Locator("tr[data-testid='incident']", new PageLocatorOptions { HasText = device });
        await Assertions.Expect(row).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        await Assertions.Expect(row.Locator(".status")).ToContainTextAsync("open");
        // It came over the live stream (SSE), not by polling: the live feed shows the event itself.
        await Assertions.Expect(page.GetByTestId("feed").Locator("li[data-event='incident-opened']", new LocatorLocatorOptions { HasText = device })).ToBeVisibleAsync();

        await row.Locator("button[data-action='acknowledge']").ClickAsync();

        await Assertions.Expect(row.Locator(".status")).ToContainTextAsync("acknowledged", new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
        var incidents = await System.GetJsonAsync($"/api/incidents?deviceId={device}");
        var incident = Assert.Single(incidents.EnumerateArray(), i => i.GetProperty("deviceId").GetString() == device);
        Assert.Equal("acknowledged", incident.GetProperty("status").GetString());
        Assert.Equal("li.wei", incident.GetProperty("acknowledgedBy").GetString());

        // The device's timeline: its events, and the time-travel slider back to the first one.
        await row.Locator("a.link").ClickAsync();
        var events = page.GetByTestId("events").Locator("li.past, li.future");
        await Assertions.Expect(events).ToHaveCountAsync(3, new LocatorAssertionsToHaveCountOptions { Timeout = 15_000 });
        await page.GetByTestId("time-slider").FillAsync("0");
        await Assertions.Expect(page.GetByTestId("events").Locator("li.future")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("state")).ToContainTextAsync("\"storeId\"");
        await Assertions.Expect(page.GetByTestId("state")).Not.ToContainTextAsync("acknowledged");
        await Assertions.Expect(page.Locator($"[data-store='S01'] .dot.amber[data-device='{device}'], [data-store='S01'] .dot.red[data-device='{device}']")).ToBeVisibleAsync();

        // zh-CN and back.
        await page.GetByTestId("language").ClickAsync();
        await Assertions.Expect(page.Locator("#fleet-section h2")).ToHaveTextAsync("各门店终端");
        await Assertions.Expect(row.Locator(".status")).ToContainTextAsync("已确认");
        await page.GetByTestId("language").ClickAsync();
        await Assertions.Expect(page.Locator("#fleet-section h2")).ToHaveTextAsync("Fleet by store");
        await page.GetByTestId("time-slider").FillAsync("2");
        await Assertions.Expect(page.GetByTestId("state")).ToContainTextAsync("acknowledged");

        output.WriteLine($"dashboard screenshot: {await browser.ScreenshotAsync("dashboard.png")}");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task GivenTheService_WhenTheDashboardFilesAreRequested_ThenTheyAreServedLocallyWithoutCredentials()
    {
        using var anonymous = new HttpClient { BaseAddress = System.Api.BaseAddress };
        var root = await anonymous.GetAsync("/");
        Assert.Equal("/dashboard/", root.RequestMessage!.RequestUri!.AbsolutePath);
        var html = await root.Content.ReadAsStringAsync();
        Assert.Contains("dashboard.js", html);
        Assert.DoesNotContain("https://", html);
        foreach (var (file, type) in new[] { ("dashboard.js", "javascript"), ("dashboard.css", "text/css"), ("i18n.js", "javascript") })
        {
            var response = await anonymous.GetAsync("/dashboard/" + file);
            response.EnsureSuccessStatusCode();
            Assert.Contains(type, response.Content.Headers.ContentType!.ToString());
            Assert.NotNull(response.Headers.ETag);
        }

        Assert.Equal(global::System.Net.HttpStatusCode.NotFound, (await anonymous.GetAsync("/dashboard/missing.js")).StatusCode);
    }
}
