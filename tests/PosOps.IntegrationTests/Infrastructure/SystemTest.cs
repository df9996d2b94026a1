namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>Base for tests that need the running system on their own database and virtual host.</summary>
[Collection(ServersCollection.Name)]
public abstract class SystemTest(TestServers servers) : IAsyncLifetime
{
    private TestEnvironment? environment;
    private WebhookReceiver? webhook;
    private RunningSystem? system;

    protected TestServers Servers => servers;

    protected RunningSystem System => system ?? throw new InvalidOperationException("not started");

    protected virtual int IncidentServices => 1;

    protected virtual bool WithNotifications => true;

    /// <summary>Extra configuration for the hosted services (e.g. a short follow-up window).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        environment = await TestEnvironment.CreateAsync(servers);
        webhook = await WebhookReceiver.StartAsync();
        system = await RunningSystem.StartAsync(environment, webhook, IncidentServices, WithNotifications, Settings);
    }

    public async Task DisposeAsync()
    {
        if (system is not null)
        {
            await system.DisposeAsync();
        }

        if (webhook is not null)
        {
            await webhook.DisposeAsync();
        }

        if (environment is not null)
        {
            await environment.DisposeAsync();
        }
    }
}
