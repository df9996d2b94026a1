using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>
/// Real HTTP receivers on loopback that check each payload the way the real service would: Slack
/// blocks, DingTalk and Feishu signatures, WeCom markdown, the SMS gateway's signature and length, and
/// answer like that service (errcode / code in the body). Also a flaky and a refusing receiver.
/// </summary>
public sealed class ChatReceiver : IAsyncDisposable
{
    public const string DingTalkSecret = "SECdingtalk-test-secret";
    public const string FeishuSecret = "feishu-test-secret";
    public const string SmsSecret = "sms-test-secret";
    public const string WebhookSecret = "webhook-test-secret";
    public const int SmsMaxLength = 40;

    private readonly WebApplication app;
    private readonly ConcurrentQueue<ChatRequest> received = new();

    private ChatReceiver(WebApplication app) => this.app = app;

    public string BaseUrl => app.Urls.First();

    public IReadOnlyList<ChatRequest> Received => [.. received];

    /// <summary>While true, /flaky answers 503 (a receiver that is down).</summary>
    public bool FlakyDown { get; set; }

    public static async Task<ChatReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new ChatReceiver(app);
        app.MapPost("/{service}", async (string service, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
            var (status, answer, problem) = service switch
            {
                "slack" => Ok(CheckSlack(body), "ok"),
                "dingtalk" => Robot(CheckDingTalk(body, query), "errcode", 310000),
                "wecom" => Robot(CheckWeCom(body, query), "errcode", 40058),
                "feishu" => Robot(CheckFeishu(body), "code", 19021),
                "sms" => Ok(CheckSms(body, headers), "{\"accepted\":true}"),
                "webhook" => Ok(CheckWebhook(body, headers), ""),
                "flaky" => receiver.FlakyDown ? (503, "down", "down") : Ok(CheckWebhook(body, headers), ""),
                "refusing" => (400, "{\"error\":\"unknown receiver\"}", "refused on purpose"),
                _ => (404, "", "no such service"),
            };
            receiver.received.Enqueue(new ChatRequest(service, body, headers, query, status, problem));
            return Results.Text(answer, "application/json", Encoding.UTF8, status);
        });
        await app.StartAsync();
        return receiver;
    }

    public async Task<ChatRequest> WaitForAsync(string service, Func<ChatRequest, bool>? match = null, TimeSpan? timeout = null)
    {
        ChatRequest? found = null;
        await Wait.UntilAsync(() => Task.FromResult((found = received.FirstOrDefault(r => r.Service == service && r.Status < 300 && (match?.Invoke(r) ?? true))) is not null),
            timeout ?? TimeSpan.FromSeconds(30), $"a good request to /{service}; got {string.Join("; ", received.Where(r => r.Service == service).Select(r => r.Problem))}");
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static (int, string, string?) Ok(string? problem, string answer) => problem is null ? (200, answer, null) : (400, problem, problem);

    // Robots answer 200 with an error code in the body, as the real ones do.
    private static (int, string, string?) Robot(string? problem, string field, int code) => problem is null
        ? (200, $"{{\"{field}\":0,\"{(field == "code" ? "msg" : "errmsg")}\":\"ok\"}}", null)
        : (200, JsonSerializer.Serialize(new Dictionary<string, object> { [field] = code, [field == "code" ? "msg" : "errmsg"] = problem }), problem);

    private static string? CheckSlack(string body)
    {
        var json = JsonDocument.Parse(body).RootElement;
        if (!json.TryGetProperty("text", out var text) || text.GetString() is not { Length: > 0 })
        {
            return "slack: 'text' (notification fallback) missing";
        }

        if (!json.TryGetProperty("blocks", out var blocks) || blocks.ValueKind != JsonValueKind.Array || blocks.GetArrayLength() == 0)
        {
            return "slack: 'blocks' missing";
        }

        foreach (var block in blocks.EnumerateArray())
        {
            var type = block.GetProperty("type").GetString();
            if (type is not ("header" or "section" or "context" or "actions" or "divider"))
            {
                return $"slack: unknown block type {type}";
            }

            if (type == "header" && (block.GetProperty("text").GetProperty("type").GetString() != "plain_text" || block.GetProperty("text").GetProperty("text").GetString()!.Length > 150))
            {
                return "slack: header must be plain_text of at most 150 characters";
            }

            if (type == "section" && block.GetProperty("text").GetProperty("text").GetString()!.Length > 3000)
            {
                return "slack: section text over 3000 characters";
            }
        }

        return null;
    }

    private static string? CheckDingTalk(string body, Dictionary<string, string> query)
    {
        if (!query.TryGetValue("access_token", out _) || !query.TryGetValue("timestamp", out var timestamp) || !query.TryGetValue("sign", out var sign))
        {
            return "dingtalk: access_token, timestamp and sign query parameters required";
        }

        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(DingTalkSecret), Encoding.UTF8.GetBytes(timestamp + "\n" + DingTalkSecret)));
        if (sign != expected)
        {
            return "dingtalk: sign not match";
        }

        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - long.Parse(timestamp, CultureInfo.InvariantCulture)) > 3_600_000)
        {
            return "dingtalk: timestamp older than one hour";
        }

        var json = JsonDocument.Parse(body).RootElement;
        return json.GetProperty("msgtype").GetString() == "markdown" && json.GetProperty("markdown").GetProperty("title").GetString() is { Length: > 0 }
            && json.GetProperty("markdown").GetProperty("text").GetString() is { Length: > 0 }
            ? null : "dingtalk: markdown message needs title and text";
    }

    private static string? CheckWeCom(string body, Dictionary<string, string> query)
    {
        if (!query.ContainsKey("key"))
        {
            return "wecom: key query parameter required";
        }

        var json = JsonDocument.Parse(body).RootElement;
        var type = json.GetProperty("msgtype").GetString();
        if (type == "text")
        {
            return json.GetProperty("text").GetProperty("content").GetString() is { Length: > 0 and <= 2048 } ? null : "wecom: text content 1-2048 bytes";
        }

        return type == "markdown" && json.GetProperty("markdown").GetProperty("content").GetString() is { } content && Encoding.UTF8.GetByteCount(content) is > 0 and <= 4096
            ? null : "wecom: markdown content 1-4096 bytes";
    }

    private static string? CheckFeishu(string body)
    {
        var json = JsonDocument.Parse(body).RootElement;
        if (!json.TryGetProperty("timestamp", out var ts) || !json.TryGetProperty("sign", out var sign))
        {
            return "feishu: timestamp and sign required";
        }

        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(ts.GetString() + "\n" + FeishuSecret), Array.Empty<byte>()));
        if (sign.GetString() != expected)
        {
            return "feishu: sign match fail";
        }

        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(ts.GetString()!, CultureInfo.InvariantCulture)) > 3600)
        {
            return "feishu: timestamp older than one hour";
        }

        if (json.GetProperty("msg_type").GetString() != "post")
        {
            return "feishu: expected msg_type post";
        }

        var post = json.GetProperty("content").GetProperty("post");
        foreach (var language in new[] { "zh_cn", "en_us" })
        {
            var lang = post.GetProperty(language);
            if (lang.GetProperty("title").GetString() is not { Length: > 0 } || lang.GetProperty("content").ValueKind != JsonValueKind.Array
                || lang.GetProperty("content").EnumerateArray().SelectMany(p => p.EnumerateArray()).Any(e => e.GetProperty("tag").GetString() is not ("text" or "a" or "at" or "img")))
            {
                return $"feishu: post.{language} needs a title and paragraphs of text/a elements";
            }
        }

        return null;
    }

    private static string? CheckSms(string body, Dictionary<string, string> headers)
    {
        if (CheckSignature(body, headers, SmsSecret) is { } bad)
        {
            return bad;
        }

        var json = JsonDocument.Parse(body).RootElement;
        if (json.GetProperty("to").GetArrayLength() == 0)
        {
            return "sms: no recipients";
        }

        var text = json.GetProperty("text").GetString()!;
        return new StringInfo(text).LengthInTextElements is > 0 and <= SmsMaxLength ? null : $"sms: text must be 1-{SmsMaxLength} characters, got {text.Length}";
    }

    private static string? CheckWebhook(string body, Dictionary<string, string> headers)
    {
        if (CheckSignature(body, headers, WebhookSecret) is { } bad)
        {
            return bad;
        }

        var json = JsonDocument.Parse(body).RootElement;
        return json.TryGetProperty("eventId", out _) && json.TryGetProperty("kind", out _) && json.TryGetProperty("incidentId", out _) ? null : "webhook: eventId, kind and incidentId required";
    }

    private static string? CheckSignature(string body, Dictionary<string, string> headers, string secret)
    {
        if (!headers.TryGetValue("X-PosOps-Timestamp", out var timestamp) || !headers.TryGetValue("X-PosOps-Signature", out var signature))
        {
            return "signature and timestamp headers required";
        }

        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp, CultureInfo.InvariantCulture)) > 300)
        {
            return "timestamp outside the 5-minute replay window";
        }

        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body)));
        return signature == expected ? null : "bad signature";
    }
}

public sealed record ChatRequest(string Service, string Body, IReadOnlyDictionary<string, string> Headers, IReadOnlyDictionary<string, string> Query, int Status, string? Problem)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}
