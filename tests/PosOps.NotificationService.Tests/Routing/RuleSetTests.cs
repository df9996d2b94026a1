using PosOps.Contracts.Incidents;
using PosOps.NotificationService.Routing;

namespace PosOps.NotificationService.Tests.Routing;

public sealed class RuleSetTests
{
    private static readonly RuleSet Rules = Given.Rules("""
        timeZone: Asia/Shanghai
        receivers:
          - { name: east-first, type: slack, url: "https://hooks.example/a" }
          - { name: east-second, type: wecom, url: "https://hooks.example/b" }
          - { name: vendor, type: sms, url: "https://sms.example/send", to: ["+8613800000000"] }
          - { name: night, type: dingtalk, url: "https://oapi.example/robot/send?access_token=x" }
        routes:
          - name: blocking-east-flagship
            match: { severity: [blocking], region: [east], tags: [flagship], faultKind: [network] }
            firstLine: [east-first]
            secondLine: [east-second]
            vendor: [vendor]
          - name: night-shift
            match: { hours: "22:00-06:00" }
            firstLine: [night]
            continue: true
          - name: default
            firstLine: [webhook]
        """);

    [Fact]
    public void GivenAnAlertMatchingEveryCriterion_ThenTheFirstLineGetsIt_AndRoutingStops() =>
        Assert.Equal(["east-first"], Receivers(Given.Opened(region: "east", tags: ["mall", "flagship"])));

    [Fact]
    public void GivenOneCriterionMissing_ThenTheNextRouteDecides()
    {
        Assert.Equal(["webhook"], Receivers(Given.Opened(region: "east", tags: ["mall"])));
        Assert.Equal(["webhook"], Receivers(Given.Opened(region: "west", tags: ["flagship"])));
        Assert.Equal(["webhook"], Receivers(Given.Opened(region: "east", tags: ["flagship"], severity: Severity.Degraded)));
        Assert.Equal(["webhook"], Receivers(Given.Opened(region: "east", tags: ["flagship"], component: "printer", code: "PAPER_OUT")));
    }

    [Fact]
    public void GivenEscalationLevels_ThenLevelOneGoesToTheSecondLine_AndLevelTwoAndAboveToTheVendor()
    {
        var opened = Given.Opened(region: "east", tags: ["flagship"]);

        Assert.Equal(["east-second"], Receivers(Given.Escalated(opened, 1)));
        Assert.Equal(["vendor"], Receivers(Given.Escalated(opened, 2)));
        Assert.Equal(["vendor"], Receivers(Given.Escalated(opened, 5)));
    }

    [Fact]
    public void GivenARouteWithoutLaterLines_WhenEscalated_ThenItFallsBackToTheFirstLine() =>
        Assert.Equal(["webhook"], Receivers(Given.Escalated(Given.Opened(region: "west"), 2)));

    [Fact]
    public void GivenNightHoursInTheRulesTimeZone_ThenTheNightRouteMatchesAcrossMidnight_AndContinues()
    {
        var night = Given.Noon.AddHours(11); // 23:00 in Shanghai
        var early = Given.Noon.AddHours(17); // 05:00 next day

        Assert.Equal(["night", "webhook"], Receivers(Given.Opened(region: "west", at: night)));
        Assert.Equal(["night", "webhook"], Receivers(Given.Opened(region: "west", at: early)));
        Assert.Equal(["webhook"], Receivers(Given.Opened(region: "west")));
    }

    private static string[] Receivers(Alert alert) => [.. Rules.Route(alert).SelectMany(d => d.Receivers).Select(r => r.Name)];
}
