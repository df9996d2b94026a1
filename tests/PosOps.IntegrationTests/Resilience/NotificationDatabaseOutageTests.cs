using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using PosOps.Contracts;
using PosOps.NotificationService;
using Xunit.Abstractions;

namespace PosOps.IntegrationTests.Resilience;

/// <summary>
/// NotificationService's database is stopped for 5 minutes (POSOPS_NOTIFY_OUTAGE_SECONDS; the retry cadence
/// shortened by Resilience:BackoffMaxSeconds) while incidents keep opening: no alert goes to the error
/// queue, NotificationService stays up, and every alert is delivered once afterwards.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class NotificationDatabaseOutageTests(TestServers servers, ITestOutputHelper output)
{
    [Fact]
    public async Task GivenNotificationServicesDatabaseIsStopped_WhileIncidentsOpen_ThenNoAlertIsDeadLettered_AndEveryOneIsDeliveredOnceAfterwards()
    {
        var outage = OutageDrill.Seconds("POSOPS_NOTIFY_OUTAGE_SECONDS", 300);
        await using var postgres = new DedicatedPostgres(servers.RabbitMqUri, 28730);
        await postgres.UpAsync();
        await using var notificationDb = await TestEnvironment.CreateAsync(servers, postgres.ConnectionString);
        await using var environment = await TestEnvironment.CreateAsync(servers);
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var system = await RunningSystem.StartAsync(environment, webhook, notifications: false);
        await using var notifications = NotificationServiceApp.Build([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = notificationDb.PostgresConnectionString,
            ["RabbitMq:Uri"] = environment.RabbitMqUri,
            ["Notification:Webhook:Url"] = webhook.Url.ToString(),
            ["Notification:Rules:StormThreshold"] = "100000",
            ["Resilience:BackoffMaxSeconds"] = "2",
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await notifications.StartAsync();

        var before = Messages.NewDeviceId();
        await system.Agent.PublishAsync(Messages.Fault(before, 1), default);
        await webhook.WaitForAsync(w => w.Field("deviceId") == before);

        await postgres.DownAsync();
        var devices = new List<string>();
        using var http = new HttpClient { BaseAddress = new Uri(notifications.Urls.First()) };
        var notReady = false;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < outage)
        {
            var device = Messages.NewDeviceId();
            devices.Add(device);
            await system.Agent.PublishAsync(Messages.Fault(device, 1), default);
            notReady |= !(await http.GetAsync("/health/ready")).IsSuccessStatusCode;
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, outage.TotalSeconds / 30)));
        }

        Assert.True(notReady, "NotificationService said ready while its database was down");
        Assert.Equal(0, await ErrorCountAsync(system));
        var restart = Stopwatch.StartNew();
        await postgres.UpAsync();
        var up = restart.Elapsed;
        foreach (var device in devices)
        {
            await webhook.WaitForAsync(w => w.Field("deviceId") == device, TimeSpan.FromSeconds(120));
        }

        output.WriteLine($"{devices.Count} incidents opened during a {outage.TotalSeconds:0} s outage; database back in {up.TotalSeconds:0.0} s; every alert delivered {(restart.Elapsed - up).TotalSeconds:0.0} s later");
        Assert.All(devices, d => Assert.Single(webhook.Received, w => !w.Failed && w.Field("deviceId") == d));
        Assert.Equal(0, await ErrorCountAsync(system));
        OutageDrill.AssertRunning(notifications);
    }

    private static async Task<long> ErrorCountAsync(RunningSystem system)
    {
        await using var channel = await system.OpenChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(WireNames.NotificationErrorQueue)).MessageCount;
    }
}
