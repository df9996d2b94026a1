using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Npgsql;
using PosOps.Contracts;
using PosOps.Contracts.Incidents;
using PosOps.NotificationService;
using RabbitMQ.Client;

namespace PosOps.IntegrationTests.Notifications;

/// <summary>
/// NotificationService hosted by the test itself (so a test can restart it), with a rules file of the
/// test's own, real chat/webhook/SMS receivers on loopback and, when asked, a real SMTP server.
/// </summary>
public abstract class NotificationTest(TestServers servers) : SystemTest(servers), IAsyncLifetime
{
    public const string AckSecret = "ack-token-secret-for-tests";

    private readonly List<WebApplication> notifications = [];

    protected ChatReceiver Chat { get; private set; } = null!;

    protected SmtpSink? Smtp { get; private set; }

    protected string RulesFile { get; } = Path.Combine(Path.GetTempPath(), $"posops-rules-{Guid.NewGuid():N}.yaml");

    protected override int IncidentServices => 0;

    protected override bool WithNotifications => false;

    protected virtual bool WithSmtp => false;

    /// <summary>The rules file; <c>{chat}</c> stands for the chat receiver's base URL.</summary>
    protected abstract string Rules { get; }

    /// <summary>Fast timings: what takes minutes in production takes a fraction of a second here.</summary>
    protected virtual IReadOnlyDictionary<string, string?> NotificationSettings { get; } = new Dictionary<string, string?>();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Notification:AckToken:Secret"] = AckSecret,
    };

    async Task IAsyncLifetime.InitializeAsync()
    {
        Chat = await ChatReceiver.StartAsync();
        if (WithSmtp)
        {
            Smtp = await SmtpSink.StartAsync();
        }

        await WriteRulesAsync(Rules);
        await InitializeAsync();
        await StartNotificationsAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await StopNotificationsAsync();
        await DisposeAsync();
        await Chat.DisposeAsync();
        if (Smtp is not null)
        {
            await Smtp.DisposeAsync();
        }

        File.Delete(RulesFile);
    }

    protected Task WriteRulesAsync(string rules) => File.WriteAllTextAsync(RulesFile, rules.Replace("{chat}", Chat.BaseUrl, StringComparison.Ordinal));

    protected async Task<WebApplication> StartNotificationsAsync()
    {
        var app = NotificationServiceApp.Build([], b => b.Configuration.AddInMemoryCollection(NotificationConfig()));
        await app.StartAsync();
        notifications.Add(app);
        return app;
    }

    protected async Task StopNotificationsAsync()
    {
        foreach (var app in notifications)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        notifications.Clear();
    }

    protected WebApplication Notifications => notifications[^1];

    private Dictionary<string, string?> NotificationConfig()
    {
        var config = new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = System.Environment.PostgresConnectionString,
            ["RabbitMq:Uri"] = System.Environment.RabbitMqUri,
            ["Notification:Webhook:Url"] = System.Webhook.Url.ToString(),
            ["Notification:Webhook:Secret"] = "test-secret",
            ["Notification:Rules:File"] = RulesFile,
            ["Notification:Rules:CheckSeconds"] = "0.2",
            ["Notification:Delivery:PollSeconds"] = "0.2",
            ["Notification:Delivery:QuickRetries"] = "1",
            ["Notification:Delivery:RetryBaseDelaySeconds"] = "0.1",
            ["Notification:Delivery:RetryMaxDelaySeconds"] = "0.5",
            ["Notification:Delivery:LeaseSeconds"] = "2",
            ["Notification:Secrets:DingTalk"] = ChatReceiver.DingTalkSecret,
            ["Notification:Secrets:Feishu"] = ChatReceiver.FeishuSecret,
            ["Notification:Secrets:Sms"] = ChatReceiver.SmsSecret,
            ["Notification:Secrets:Webhook"] = ChatReceiver.WebhookSecret,
            ["Notification:AckToken:Secret"] = AckSecret,
            ["Notification:Smtp:Port"] = Smtp?.Port.ToString(CultureInfo.InvariantCulture) ?? "25",
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in NotificationSettings)
        {
            config[key] = value;
        }

        return config;
    }

    /// <summary>What a non-.NET producer would do: raw JSON on the one documented exchange, its type in the AMQP type property.</summary>
    protected async Task PublishAsync<T>(T message)
        where T : class, IIntegrationEvent
    {
        await using var channel = await System.OpenChannelAsync();
        var properties = new BasicProperties { ContentType = "application/json", MessageId = Guid.NewGuid().ToString(), Persistent = true, Type = IntegrationEvents.NameOf(typeof(T)) };
        await channel.BasicPublishAsync(WireNames.IncidentEventsExchange, message.IncidentId.ToString(), mandatory: true, properties, JsonSerializer.SerializeToUtf8Bytes(message, WireJson.Options));
    }

    protected static IncidentOpened Opened(string deviceId, string code = "WIFI_DOWN", Severity severity = Severity.Blocking, string component = "network", string? region = null, IReadOnlyList<string>? tags = null, Guid? heldBackBy = null) =>
        new(Guid.CreateVersion7(), Guid.CreateVersion7(), deviceId, deviceId.Split('-')[0], component, code, severity, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, region, tags, heldBackBy);

    /// <summary>The delivery log rows, as (alert key, receiver, status, attempts, hold reason).</summary>
    protected async Task<List<DeliveryRow>> DeliveriesAsync(string where = "true")
    {
        await using var connection = new NpgsqlConnection(System.Environment.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select alert_key, event_id, receiver, kind, status, attempts, hold_reason, digest_id from posops_notifications.deliveries where {where} order by created_at", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<DeliveryRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new DeliveryRow(reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5),
                reader[6] as string, reader[7] as Guid?));
        }

        return rows;
    }

    protected async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(System.Environment.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}

public sealed record DeliveryRow(string AlertKey, Guid EventId, string Receiver, string Kind, string Status, int Attempts, string? HoldReason, Guid? DigestId);
