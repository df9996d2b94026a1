namespace PosOps.NotificationService.Tests.Routing;

public sealed class RulesLoaderTests
{
    [Fact]
    public void GivenABadFile_ThenEveryProblemIsNamed_AndNoRulesAreReturned()
    {
        var rules = Given.Loader().Load("""
            timeZone: Mars/Olympus
            receivers:
              - { name: chat, type: pager, url: "https://x.example" }
              - { name: mail, type: email }
              - { name: ding, type: dingtalk, url: "not a url", secret: "config:Notification:Secrets:Missing" }
            routes:
              - name: r1
                match: { severity: [catastrophic], hours: "25:00-26:00" }
                firstLine: [nobody]
            """, "test", out var problems);

        Assert.Null(rules);
        Assert.Contains(problems, p => p.Contains("timeZone 'Mars/Olympus'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("type must be one of", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'to' needs at least one address", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Notification:Secrets:Missing', which is not set", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("url must be an absolute http(s) URL", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("receiver 'nobody' is not defined", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("severity must be one of", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("hours must read HH:mm-HH:mm", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenUnknownFieldsOrBrokenYaml_ThenTheLineIsNamed()
    {
        Assert.Null(Given.Loader().Load("routes:\n  - name: a\n    fristLine: [webhook]\n", "test", out var typo));
        Assert.Contains("line 3", Assert.Single(typo), StringComparison.Ordinal);
        Assert.Null(Given.Loader().Load("routes: [", "test", out var broken));
        Assert.Single(broken);
    }

    [Fact]
    public void GivenJson_ThenItReadsLikeYaml()
    {
        var rules = Given.Rules("""{"routes":[{"name":"all","firstLine":["webhook"],"stormThreshold":5}]}""");

        Assert.Equal(5, Assert.Single(rules.Routes).StormThreshold);
    }

    [Fact]
    public void GivenSecretsByConfigurationKey_ThenTheyAreResolved()
    {
        var rules = Given.Rules("""
            receivers:
              - { name: ding, type: dingtalk, url: "config:Notification:Secrets:DingUrl", secret: "config:Notification:Secrets:Ding" }
            routes:
              - { name: all, firstLine: [ding] }
            """, new() { ["Notification:Secrets:DingUrl"] = "https://oapi.example/robot/send?access_token=t", ["Notification:Secrets:Ding"] = "SECabc" });

        Assert.Equal(("https://oapi.example/robot/send?access_token=t", "SECabc"), (rules.Receivers["ding"].Url, rules.Receivers["ding"].Secret));
    }

    [Fact]
    public void GivenNoRoutes_ThenRefused_BecauseAlertsWouldBeLost()
    {
        Assert.Null(Given.Loader().Load("receivers: []\n", "test", out var problems));
        Assert.Contains(problems, p => p.Contains("at least one route", StringComparison.Ordinal));
    }
}
