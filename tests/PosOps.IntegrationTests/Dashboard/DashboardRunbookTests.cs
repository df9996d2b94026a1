using Microsoft.Playwright;
using PosOps.IntegrationTests.Cli;
using Xunit.Abstractions;

namespace PosOps.IntegrationTests.Dashboard;

/// <summary>
/// The dashboard with the default runbooks: an open incident shows its runbook's current step, and
/// ops tick a manual step from the page; the incident's runbook progress records it with their name.
/// </summary>
public sealed class DashboardRunbookTests(TestServers servers, ITestOutputHelper output) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } =
        CliRunner.AuthSettings.Where(s => s.Key != "Runbooks:Folder").ToDictionary();

    [Fact]
    public async Task GivenAPrinterOutOfPaper_WhenOpsTickTheManualStepOnTheDashboard_ThenTheRunbookMovesOnToTheRestart()
    {
        var device = Messages.NewDeviceId("S01");
        await System.Agent.PublishAsync(Messages.Heartbeat(device, 1), default);
        await using var browser = await DashboardBrowser.OpenAsync(System.Api.BaseAddress!);
        await System.Agent.PublishAsync(Messages.Fault(device, 2), default);

        var row = browser.Page.Locator("tr[data-testid='incident']", new PageLocatorOptions { HasText = device });
        var next = row.Locator(".runbook .next");
        await Assertions.Expect(next).ToContainTextAsync("Check the paper roll", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await Assertions.Expect(row.Locator(".runbook progress")).ToHaveAttributeAsync("value", "0");

        await next.Locator("button[data-step='check-paper']").ClickAsync();

        await Assertions.Expect(next).ToContainTextAsync("Restart the terminal", new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
        await Assertions.Expect(row.Locator(".runbook progress")).ToHaveAttributeAsync("value", "1");
        var incident = Assert.Single((await System.GetJsonAsync($"/api/incidents?deviceId={device}")).EnumerateArray());
        var step = Assert.Single(incident.GetProperty("steps").EnumerateArray(), s => s.GetProperty("stepId").GetString() == "check-paper");
        Assert.Equal("completed", step.GetProperty("status").GetString());
        Assert.Equal("li.wei", step.GetProperty("by").GetString());
        output.WriteLine($"dashboard screenshot: {await browser.ScreenshotAsync("dashboard-runbook.png")}");
        Assert.Empty(browser.Errors);
    }
}
