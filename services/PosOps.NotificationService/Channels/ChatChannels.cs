using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PosOps.NotificationService.Kernel;

namespace PosOps.NotificationService.Channels;

/// <summary>Slack incoming webhook with Block Kit blocks (https://api.slack.com/messaging/webhooks).</summary>
public sealed class SlackChannel(HttpClient http, IOptions<WebhookOptions> options) : IAlertChannel
{
    public string Type => ReceiverTypes.Slack;

    public Task<DeliveryAttempt> SendAsync(Alert alert, Receiver receiver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(receiver);
        var text = AlertText.For(alert);
        var blocks = new List<object>
        {
            new { type = "header", text = new { type = "plain_text", text = Limit(text.TitleEn, 150) } },
            new { type = "section", text = new { type = "mrkdwn", text = Limit(text.BodyEn, 3000) } },
            new { type = "section", text = new { type = "mrkdwn", text = Limit(text.BodyZh, 3000) } },
            new { type = "context", elements = new object[] { new { type = "mrkdwn", text = $"incident `{alert.IncidentId}` · event `{alert.EventId}`" } } },
        };
        if (alert.AckUrl is { } ack)
        {
            blocks.Add(new { type = "actions", elements = new object[] { new { type = "button", text = new { type = "plain_text", text = "Acknowledge / 确认" }, url = ack, style = "primary" } } });
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new { text = text.TitleEn, blocks }, ChatJson.Options);
        return HttpDelivery.PostJsonAsync(http, receiver.Url!, body, TimeSpan.FromSeconds(options.Value.TimeoutSeconds), cancellationToken);
    }

    private static string Limit(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

/// <summary>
/// DingTalk custom robot, markdown message; with a secret the URL carries
/// <c>timestamp</c> (ms) and <c>sign = base64(HMAC_SHA256(secret, timestamp + "\n" + secret))</c>.
/// </summary>
public sealed class DingTalkChannel(HttpClient http, IOptions<WebhookOptions> options, TimeProvider clock) : IAlertChannel
{
    public string Type => ReceiverTypes.DingTalk;

    public Task<DeliveryAttempt> SendAsync(Alert alert, Receiver receiver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(receiver);
        var text = AlertText.For(alert);
        var markdown = $"### {text.TitleZh}\n\n{Lines(text.BodyZh)}\n\n{Lines(text.BodyEn)}" + (alert.AckUrl is { } ack ? $"\n\n[确认接手 / Acknowledge]({ack})" : "");
        var body = JsonSerializer.SerializeToUtf8Bytes(new { msgtype = "markdown", markdown = new { title = text.TitleZh, text = markdown } }, ChatJson.Options);
        var url = receiver.Url!;
        if (!string.IsNullOrEmpty(receiver.Secret))
        {
            var timestamp = clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"timestamp={timestamp}&sign={Uri.EscapeDataString(Sign(receiver.Secret, timestamp))}";
        }

        // 130101: sending too fast; anything else (bad sign, keyword missing, bad token) will not heal by retrying.
        return HttpDelivery.PostJsonAsync(http, url, body, TimeSpan.FromSeconds(options.Value.TimeoutSeconds), cancellationToken,
            checkBody: b => HttpDelivery.ErrCode(b, "errcode", 130101));
    }

    public static string Sign(string secret, string timestamp)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "\n" + secret)));
    }

    private static string Lines(string text) => text.Replace("\n", "  \n", StringComparison.Ordinal);
}

/// <summary>WeCom (企业微信) group robot, markdown message (content at most 4096 bytes).</summary>
public sealed class WeComChannel(HttpClient http, IOptions<WebhookOptions> options) : IAlertChannel
{
    public const int MaxContentBytes = 4096;

    public string Type => ReceiverTypes.WeCom;

    public Task<DeliveryAttempt> SendAsync(Alert alert, Receiver receiver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(receiver);
        var text = AlertText.For(alert);
        var color = alert.Severity == Contracts.Incidents.Severity.Blocking ? "warning" : "info";
        var content = $"**<font color=\"{color}\">{text.TitleZh}</font>**\n{text.BodyZh}\n\n{text.BodyEn}" + (alert.AckUrl is { } ack ? $"\n[确认接手 / Acknowledge]({ack})" : "");
        var body = JsonSerializer.SerializeToUtf8Bytes(new { msgtype = "markdown", markdown = new { content = Utf8Limit(content, MaxContentBytes) } }, ChatJson.Options);
        // 45009: API rate limit; retry later.
        return HttpDelivery.PostJsonAsync(http, receiver.Url!, body, TimeSpan.FromSeconds(options.Value.TimeoutSeconds), cancellationToken,
            checkBody: b => HttpDelivery.ErrCode(b, "errcode", 45009));
    }

    internal static string Utf8Limit(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var elements = StringInfo.GetTextElementEnumerator(text);
        var result = new StringBuilder();
        var bytes = 3; // the ellipsis
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            bytes += Encoding.UTF8.GetByteCount(element);
            if (bytes > maxBytes)
            {
                break;
            }

            result.Append(element);
        }

        return result.Append('…').ToString();
    }
}

/// <summary>
/// Feishu/Lark custom bot, rich-text post in zh_cn and en_us; with a secret the body carries
/// <c>timestamp</c> (s) and <c>sign = base64(HMAC_SHA256(key: timestamp + "\n" + secret, data: empty))</c>.
/// </summary>
public sealed class FeishuChannel(HttpClient http, IOptions<WebhookOptions> options, TimeProvider clock) : IAlertChannel
{
    public string Type => ReceiverTypes.Feishu;

    public Task<DeliveryAttempt> SendAsync(Alert alert, Receiver receiver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(receiver);
        var text = AlertText.For(alert);
        object Post(string title, string lines, string link) => new
        {
            title,
            content = lines.Split('\n').Select(l => (object[])[new { tag = "text", text = l }])
                .Concat(alert.AckUrl is { } ack ? [[new { tag = "a", text = link, href = ack }]] : Array.Empty<object[]>()).ToArray(),
        };
        var content = new { post = new { zh_cn = Post(text.TitleZh, text.BodyZh, "确认接手"), en_us = Post(text.TitleEn, text.BodyEn, "Acknowledge") } };
        var message = new Dictionary<string, object?> { ["msg_type"] = "post", ["content"] = content };
        if (!string.IsNullOrEmpty(receiver.Secret))
        {
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            message["timestamp"] = timestamp;
            message["sign"] = Sign(receiver.Secret, timestamp);
        }

        // Feishu's own field names are snake_case: serialise the dictionary as written.
        var body = JsonSerializer.SerializeToUtf8Bytes(message, ChatJson.WebOptions);
        // 11232: frequency limited; retry later.
        return HttpDelivery.PostJsonAsync(http, receiver.Url!, body, TimeSpan.FromSeconds(options.Value.TimeoutSeconds), cancellationToken,
            checkBody: b => HttpDelivery.ErrCode(b, "code", 11232));
    }

    public static string Sign(string secret, string timestamp)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(timestamp + "\n" + secret), Array.Empty<byte>()));
    }
}
