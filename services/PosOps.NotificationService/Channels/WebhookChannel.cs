using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PosOps.Contracts;
using PosOps.NotificationService.Kernel;

namespace PosOps.NotificationService.Channels;

/// <summary>Generic webhook: the alert as JSON, signed when a secret is configured, with a timestamp against replay.</summary>
public sealed class WebhookChannel(HttpClient http, IOptions<WebhookOptions> options, TimeProvider clock) : IAlertChannel
{
    public const string Name = ReceiverTypes.Webhook;
    public const string SignatureHeader = "X-PosOps-Signature";
    public const string TimestampHeader = "X-PosOps-Timestamp";
    public const string EventIdHeader = "X-PosOps-Event-Id";

    public string Type => Name;

    public Task<DeliveryAttempt> SendAsync(Alert alert, Receiver receiver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(receiver);
        var body = JsonSerializer.SerializeToUtf8Bytes(alert, WireJson.Options);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return HttpDelivery.PostJsonAsync(http, receiver.Url!, body, TimeSpan.FromSeconds(options.Value.TimeoutSeconds), cancellationToken, request =>
        {
            request.Headers.Add(EventIdHeader, alert.EventId.ToString());
            request.Headers.Add(TimestampHeader, timestamp);
            if (!string.IsNullOrEmpty(receiver.Secret))
            {
                request.Headers.Add(SignatureHeader, "sha256=" + Sign(receiver.Secret, timestamp, body));
            }
        });
    }

    /// <summary>Hex HMAC-SHA256 over "timestamp.body"; receivers recompute it and reject old timestamps.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(timestamp);
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var data = new byte[prefix.Length + body.Length];
        prefix.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data));
    }
}
