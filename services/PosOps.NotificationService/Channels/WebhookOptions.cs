using PosOps.ServiceDefaults.Configuration;

namespace PosOps.NotificationService.Channels;

/// <summary>The generic JSON webhook receiver. The secret comes from configuration, never from the repository.</summary>
public sealed class WebhookOptions : IValidatedOptions
{
    public const string Section = "Notification:Webhook";

    /// <summary>Receiver URL. Defaults to the local alert sink that <c>./run.sh</c> starts.</summary>
    public string Url { get; set; } = "http://127.0.0.1:5090/alerts";

    /// <summary>When set, each request carries <c>X-PosOps-Signature: sha256=HMAC(secret, timestamp + "." + body)</c>.</summary>
    public string? Secret { get; set; }

    public int TimeoutSeconds { get; set; } = 10;

    public IEnumerable<string> Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return $"Url must be an absolute http(s) URL such as https://hooks.example/posops, got '{Url}'";
        }

        if (TimeoutSeconds is < 1 or > 120)
        {
            yield return $"TimeoutSeconds must be 1-120, got {TimeoutSeconds}";
        }
    }
}
