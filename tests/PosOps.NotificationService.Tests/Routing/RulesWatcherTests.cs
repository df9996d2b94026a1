using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PosOps.NotificationService.Channels;
using PosOps.NotificationService.Routing;

namespace PosOps.NotificationService.Tests.Routing;

public sealed class RulesWatcherTests : IDisposable
{
    private readonly string file = Path.Combine(Path.GetTempPath(), $"posops-rules-{Guid.NewGuid():N}.yaml");

    [Fact]
    public void GivenABadRulesFileAtStartUp_ThenTheServiceRefusesToStart_NamingTheProblem()
    {
        File.WriteAllText(file, "routes:\n  - name: a\n    firstLine: [nobody]\n");

        var refused = Assert.Throws<InvalidOperationException>(() => Watcher());

        Assert.Contains("receiver 'nobody' is not defined", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenRulesInForce_WhenTheFileChangesBadly_ThenTheOldRulesStay_AndAGoodChangeIsTakenAtOnce()
    {
        File.WriteAllText(file, "routes:\n  - name: first\n    firstLine: [webhook]\n");
        using var watcher = Watcher();
        var reloads = 0;
        watcher.Reloaded += _ => reloads++;

        File.WriteAllText(file, "routes:\n  - name: broken\n    firstLine: []\n");
        watcher.CheckOnce(file);
        Assert.Equal(("first", 0), (Assert.Single(watcher.Current.Routes).Name, reloads));

        File.WriteAllText(file, "routes:\n  - name: second\n    firstLine: [webhook]\n");
        watcher.CheckOnce(file);
        Assert.Equal(("second", 1), (Assert.Single(watcher.Current.Routes).Name, reloads));
    }

    public void Dispose() => File.Delete(file);

    private RulesWatcher Watcher() => new(Options.Create(new RoutingOptions { File = file }), Options.Create(new WebhookOptions()),
        new ConfigurationBuilder().Build(), NullLogger<RulesWatcher>.Instance);
}
