namespace PosOps.NotificationService.Tests.Routing;

public sealed class ExampleRulesTests
{
    [Fact]
    public void GivenTheExampleRulesWithTheirSecretsConfigured_ThenTheyLoad()
    {
        var file = Path.Combine(Root(), "services", "PosOps.NotificationService", "notification-rules.example.yaml");
        var secrets = new[] { "DingTalkOpsUrl", "WeComOpsUrl", "FeishuOpsUrl", "SlackOpsUrl" }
            .ToDictionary(k => $"Notification:Secrets:{k}", _ => (string?)"https://hooks.example/x");
        foreach (var key in new[] { "DingTalkOps", "FeishuOps", "SmsGateway" })
        {
            secrets[$"Notification:Secrets:{key}"] = "secret";
        }

        var rules = Given.Rules(File.ReadAllText(file), secrets);

        Assert.Equal(5, rules.Routes.Count);
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PosOps.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PosOps.sln not found");
    }
}
