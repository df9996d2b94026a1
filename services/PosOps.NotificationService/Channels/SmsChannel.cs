using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PosOps.NotificationService.Kernel;

namespace PosOps.NotificationService.Channels;

/// <summary>
/// A generic HTTP SMS gateway: <c>POST {"to":[...],"text":"..."}</c>, the text from the receiver's
/// template and cut to its length limit, signed like the webhook when a secret is set.
/// </summary>
public sealed class SmsChannel(HttpClient http, IOptions<WebhookOptions> options, TimeProvider clock) : IAlertChannel
{
    public const string DefaultTemplate = "{title}";

    public string Type => ReceiverTypes.Sms;

    public Task<DeliveryAttempt> SendAsync(Alert alert, Receiver receiver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(receiver);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { to = receiver.To, text = Render(receiver.Template ?? DefaultTemplate, alert, receiver.MaxLength), eventId = alert.EventId }, ChatJson.Options);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return HttpDelivery.PostJsonAsync(http, receiver.Url!, body, TimeSpan.FromSeconds(options.Value.TimeoutSeconds), cancellationToken, request =>
        {
            request.Headers.Add(WebhookChannel.TimestampHeader, timestamp);
            if (!string.IsNullOrEmpty(receiver.Secret))
            {
                request.Headers.Add(WebhookChannel.SignatureHeader, "sha256=" + WebhookChannel.Sign(receiver.Secret, timestamp, body));
            }
        });
    }

    /// <summary>Fills the template and cuts it to <paramref name="maxLength"/> characters (whole characters, ending in "…").</summary>
    public static string Render(string template, Alert alert, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(alert);
        var text = AlertText.For(alert);
        var filled = new StringBuilder(template)
            .Replace("{title}", text.TitleZh)
            .Replace("{titleEn}", text.TitleEn)
            .Replace("{text}", alert.Text)
            .Replace("{kind}", alert.Kind)
            .Replace("{severity}", alert.Severity?.ToString() ?? "")
            .Replace("{faultCode}", alert.FaultCode)
            .Replace("{deviceId}", alert.DeviceId)
            .Replace("{storeId}", alert.StoreId)
            .Replace("{ackUrl}", alert.AckUrl ?? "")
            .ToString();
        var info = new StringInfo(filled);
        return info.LengthInTextElements <= maxLength ? filled : info.SubstringByTextElements(0, maxLength - 1) + "…";
    }
}
