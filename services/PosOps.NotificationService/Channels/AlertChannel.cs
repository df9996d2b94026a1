using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using PosOps.Contracts;
using PosOps.NotificationService.Kernel;

namespace PosOps.NotificationService.Channels;

/// <summary>One way of reaching people: formats the alert the way the receiving service documents it.</summary>
public interface IAlertChannel
{
    string Type { get; }

    Task<DeliveryAttempt> SendAsync(Alert alert, Receiver receiver, CancellationToken cancellationToken);
}

/// <summary>JSON for chat services: the wire's shape, with Chinese text as UTF-8 rather than \u escapes.</summary>
public static class ChatJson
{
    public static JsonSerializerOptions Options { get; } = new(WireJson.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Web defaults with the same relaxed encoder, for payloads whose field names the service fixes (Feishu).</summary>
    public static JsonSerializerOptions WebOptions { get; } = new(JsonSerializerOptions.Web) { Encoder = Options.Encoder };
}

/// <summary>The HTTP part every chat, webhook and SMS channel shares: post, time it, classify the answer.</summary>
public static class HttpDelivery
{
    /// <summary>2xx delivered; 408, 425, 429 and 5xx (and no answer) transient; any other 4xx permanent.</summary>
    public static DeliveryOutcome Classify(int? statusCode) => statusCode switch
    {
        >= 200 and < 300 => DeliveryOutcome.Delivered,
        408 or 425 or 429 => DeliveryOutcome.Transient,
        >= 400 and < 500 => DeliveryOutcome.Permanent,
        _ => DeliveryOutcome.Transient,
    };

    /// <param name="checkBody">
    /// For services that answer 200 with an error code in the body (DingTalk, WeCom, Feishu):
    /// returns null when the body says success, else the outcome and error it means.
    /// </param>
    public static async Task<DeliveryAttempt> PostJsonAsync(
        HttpClient http, string url, byte[] body, TimeSpan timeout, CancellationToken cancellationToken,
        Action<HttpRequestMessage>? prepare = null, Func<JsonElement, (DeliveryOutcome Outcome, string Error)?>? checkBody = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        prepare?.Invoke(request);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            linked.CancelAfter(timeout);
            using var response = await http.SendAsync(request, linked.Token);
            var status = (int)response.StatusCode;
            var outcome = Classify(status);
            var error = outcome == DeliveryOutcome.Delivered ? null : $"{status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}";
            if (outcome == DeliveryOutcome.Delivered && checkBody is not null)
            {
                var text = await response.Content.ReadAsStringAsync(linked.Token);
                try
                {
                    using var json = JsonDocument.Parse(text);
                    if (checkBody(json.RootElement) is { } refused)
                    {
                        (outcome, error) = refused;
                    }
                }
                catch (JsonException)
                {
                    (outcome, error) = (DeliveryOutcome.Transient, $"answer is not JSON: {text[..Math.Min(text.Length, 200)]}");
                }
            }

            return new DeliveryAttempt(outcome, status, Stopwatch.GetElapsedTime(started), error);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new DeliveryAttempt(DeliveryOutcome.Transient, null, Stopwatch.GetElapsedTime(started), e.Message);
        }
    }

    /// <summary>Robot APIs (DingTalk, WeCom) answer <c>{"errcode":0}</c>; rate limits are worth retrying, other codes are not.</summary>
    public static (DeliveryOutcome, string)? ErrCode(JsonElement body, string field, params int[] transientCodes)
    {
        if (!body.TryGetProperty(field, out var code) || code.ValueKind != JsonValueKind.Number || code.GetInt32() == 0)
        {
            return null;
        }

        var message = body.TryGetProperty("errmsg", out var m) || body.TryGetProperty("msg", out m) ? m.ToString() : "";
        return (transientCodes.Contains(code.GetInt32()) ? DeliveryOutcome.Transient : DeliveryOutcome.Permanent, $"{field} {code.GetInt32().ToString(CultureInfo.InvariantCulture)}: {message}");
    }
}
