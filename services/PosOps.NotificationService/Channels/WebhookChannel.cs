using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PosOps.Contracts;
using PosOps.NotificationService.Delivery;

namespace PosOps.NotificationService.Channels;

/// <summary>Generic webhook: the alert as JSON, signed when a secret is configured.</summary>
public sealed class WebhookChannel(HttpClient http, IOptions<WebhookOptions> options, TimeProvider clock)
{
    public const string Name = "webhook";
    public const string SignatureHeader = "X-PosOps-Signature";
    public const string TimestampHeader = "X-PosOps-Timestamp";
    public const string EventIdHeader = "X-PosOps-Event-Id";

    public async Task<DeliveryAttempt> SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var body = JsonSerializer.SerializeToUtf8Bytes(alert, WireJson.Options);
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add(EventIdHeader, alert.EventId.ToString());
        request.Headers.Add(TimestampHeader, timestamp);
        if (!string.IsNullOrEmpty(settings.Secret))
        {
            request.Headers.Add(SignatureHeader, "sha256=" + Sign(settings.Secret, timestamp, body));
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
            using var response = await http.SendAsync(request, timeout.Token);
            var ok = response.IsSuccessStatusCode;
            return new DeliveryAttempt(ok, (int)response.StatusCode, Stopwatch.GetElapsedTime(started), ok ? null : response.ReasonPhrase);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new DeliveryAttempt(false, null, Stopwatch.GetElapsedTime(started), e.Message);
        }
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
