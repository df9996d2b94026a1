using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using PosOps.Contracts;
using PosOps.IncidentService;
using PosOps.NotificationService;
using PosOps.ServiceDefaults.Messaging;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using PosOps.IncidentService.Registry;
using RabbitMQ.Client;

namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>
/// The real services hosted in the test process on loopback ports, wired to one test's database,
/// virtual host and webhook receiver; plus the real agent publisher to talk to them.
/// </summary>
public sealed class RunningSystem : IAsyncDisposable
{
    private readonly List<WebApplication> incidentServices = [];
    private readonly AmqpConnectionProvider agentConnection;

    private readonly IReadOnlyDictionary<string, string?> extra;

    private RunningSystem(TestEnvironment environment, WebhookReceiver webhook, IReadOnlyDictionary<string, string?>? extra)
    {
        this.extra = extra ?? new Dictionary<string, string?>();
        Environment = environment;
        Webhook = webhook;
        agentConnection = new AmqpConnectionProvider(
            Options.Create(new RabbitMqOptions { Uri = environment.RabbitMqUri }),
            new HostingEnvironment { ApplicationName = "PosOps.IntegrationTests" });
        Agent = new TestAgent(agentConnection, RegisterAsync);
    }

    public TestEnvironment Environment { get; }

    public WebhookReceiver Webhook { get; }

    public TestAgent Agent { get; }

    public WebApplication? Notifications { get; private set; }

    /// <summary>The bootstrap admin key every hosted IncidentService accepts; <see cref="Api"/> sends it.</summary>
    public const string AdminKey = "test-admin-key-0123456789";

    public HttpClient Api { get; private set; } = new();

    /// <summary>The first IncidentService host (for its services, e.g. the document store).</summary>
    public WebApplication IncidentService => incidentServices.FirstOrDefault() ?? throw new InvalidOperationException("no IncidentService is running");

    public static async Task<RunningSystem> StartAsync(
        TestEnvironment environment, WebhookReceiver webhook, int incidentServices = 1, bool notifications = true, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var system = new RunningSystem(environment, webhook, settings);
        for (var i = 0; i < incidentServices; i++)
        {
            await system.StartIncidentServiceAsync();
        }

        if (notifications)
        {
            system.Notifications = NotificationServiceApp.Build([], b => b.Configuration.AddInMemoryCollection(system.Settings()));
            await system.Notifications.StartAsync();
        }

        return system;
    }

    public async Task<WebApplication> StartIncidentServiceAsync()
    {
        var app = IncidentServiceApp.Build([], b => b.Configuration.AddInMemoryCollection(Settings()));
        await app.StartAsync();
        incidentServices.Add(app);
        if (incidentServices.Count == 1)
        {
            Api = ApiFor(app);
        }

        return app;
    }

    /// <summary>Stops one IncidentService host; the API client moves to a remaining one.</summary>
    public async Task StopIncidentServiceAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        incidentServices.Remove(app);
        await app.StopAsync();
        await app.DisposeAsync();
        if (incidentServices.FirstOrDefault() is { } other)
        {
            var old = Api;
            Api = ApiFor(other);
            old.Dispose();
        }
    }

    private static HttpClient ApiFor(WebApplication app)
    {
        var api = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        api.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return api;
    }

    /// <summary>Every running IncidentService host, oldest first.</summary>
    public IReadOnlyList<WebApplication> IncidentServiceHosts => incidentServices;

    public async Task StopIncidentServicesAsync()
    {
        foreach (var app in incidentServices)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        incidentServices.Clear();
    }

    /// <summary>Puts a device in the registry with the test fleet's derived key.</summary>
    public async Task RegisterAsync(string deviceId)
    {
        await using var session = IncidentService.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Store(new DeviceRegistration(deviceId, deviceId.Split('-')[0], "PX-7 Test", "TEST" + deviceId, null, Convert.ToBase64String(TestAgent.KeyFor(deviceId)), DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
    }

    /// <summary>Puts a store in the registry (ISP line for contact steps, backup terminals for continuity).</summary>
    public async Task RegisterStoreAsync(StoreRegistration registration)
    {
        await using var session = IncidentService.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Store(registration);
        await session.SaveChangesAsync();
    }

    /// <summary>A queue of the test's own bound to the integration-event exchange, to see exactly what IncidentService published (of these types).</summary>
    public async Task<IntegrationEventTap> TapAsync(params string[] types)
    {
        var channel = await OpenChannelAsync();
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.ExchangeDeclareAsync(WireNames.IncidentEventsExchange, ExchangeType.Topic, durable: true);
        await channel.QueueBindAsync(queue, WireNames.IncidentEventsExchange, "#");
        return new IntegrationEventTap(channel, queue, types);
    }

    private Dictionary<string, string?> Settings() => new(extra.Concat(new Dictionary<string, string?>
    {
        ["Postgres:ConnectionString"] = Environment.PostgresConnectionString,
        ["RabbitMq:Uri"] = Environment.RabbitMqUri,
        ["Notification:Webhook:Url"] = Webhook.Url.ToString(),
        ["Notification:Webhook:Secret"] = "test-secret",
        ["Urls"] = "http://127.0.0.1:0",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Auth:BootstrapAdminKey"] = AdminKey,

        // Connectivity alerts wait for the store correlation; tests that are not about it need not wait 30 s.
        ["Incidents:Correlation:AlertHoldSeconds"] = "1",
    }.Where(p => !extra.ContainsKey(p.Key))));

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Api.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// The incident lifecycle in a device's stream: what ops and the device did, without the runbook's own
    /// bookkeeping (runbook_*, the commands it issued and their answers) and the alert hold's release.
    /// </summary>
    public async Task<string[]> StreamEventTypesAsync(string deviceId)
    {
        var events = await EventsAsync(deviceId);
        var runbookCommands = events
            .Where(e => e.GetProperty("type").GetString() == "command_issued" && e.GetProperty("data").GetProperty("issuedBy").GetString()!.StartsWith("runbook", StringComparison.Ordinal))
            .Select(e => e.GetProperty("data").GetProperty("commandId").GetGuid())
            .ToHashSet();
        return [.. events
            .Where(e => e.GetProperty("type").GetString() is not ("incident_alert_released" or "incident_linked") && !e.GetProperty("type").GetString()!.StartsWith("runbook_", StringComparison.Ordinal))
            .Where(e => e.GetProperty("type").GetString() is not ("command_issued" or "command_answered") || !runbookCommands.Contains(e.GetProperty("data").GetProperty("commandId").GetGuid()))
            .Select(e => e.GetProperty("type").GetString()!)];
    }

    /// <summary>Every event type in a device's stream, in order.</summary>
    public async Task<string[]> AllStreamEventTypesAsync(string deviceId) =>
        [.. (await EventsAsync(deviceId)).Select(e => e.GetProperty("type").GetString()!)];

    /// <summary>A device's stored events, oldest first (empty when it has none yet).</summary>
    public async Task<List<JsonElement>> EventsAsync(string deviceId)
    {
        var response = await Api.GetAsync($"/api/devices/{deviceId}/events?limit=1000");
        return response.IsSuccessStatusCode ? [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").EnumerateArray()] : [];
    }

    /// <summary>Opens a plain channel on the test's virtual host (for the error queue and raw publishes).</summary>
    public async Task<IChannel> OpenChannelAsync()
    {
        var connection = await agentConnection.GetAsync(CancellationToken.None);
        return await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
    }

    /// <summary>Takes every message now in the agent error queue.</summary>
    public async Task<List<BasicGetResult>> DrainErrorQueueAsync(int expected, TimeSpan timeout)
    {
        await using var channel = await OpenChannelAsync();
        var found = new List<BasicGetResult>();
        await Wait.UntilAsync(async () =>
        {
            while (await channel.BasicGetAsync(WireNames.AgentErrorQueue, autoAck: true) is { } message)
            {
                found.Add(message);
            }

            return found.Count >= expected;
        }, timeout, $"{expected} messages in {WireNames.AgentErrorQueue}");
        return found;
    }

    public async ValueTask DisposeAsync()
    {
        await StopIncidentServicesAsync();
        if (Notifications is not null)
        {
            await Notifications.StopAsync();
            await Notifications.DisposeAsync();
        }

        await Agent.DisposeAsync();
        await agentConnection.DisposeAsync();
        Api.Dispose();
    }
}

/// <summary>Integration events as they left IncidentService: exchange name, JSON body and the event-sequence header.</summary>
public sealed class IntegrationEventTap(IChannel channel, string queue, IReadOnlyCollection<string> types) : IAsyncDisposable
{
    private readonly List<(string Type, JsonElement Body, long? Sequence)> seen = [];

    /// <summary>Everything of the tapped types published so far, in the order it arrived (AMQP type, body, event-sequence header).</summary>
    public async Task<IReadOnlyList<(string Type, JsonElement Body, long? Sequence)>> DrainAsync()
    {
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            var sequence = message.BasicProperties.Headers?.TryGetValue(WireNames.EventSequenceHeader, out var value) == true && value is long number ? number : (long?)null;
            if (message.BasicProperties.Type is { } type && (types.Count == 0 || types.Contains(type)))
            {
                seen.Add((type, JsonDocument.Parse(message.Body).RootElement.Clone(), sequence));
            }
        }

        return seen;
    }

    public async ValueTask DisposeAsync()
    {
        await channel.CloseAsync();
        channel.Dispose();
    }
}
