using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PosOps.ServiceDefaults.Configuration;

namespace PosOps.ServiceDefaults.Security;

/// <summary>
/// The one configuration section both services read for acknowledge-from-the-alert links:
/// NotificationService signs tokens with <see cref="Secret"/>, IncidentService checks them.
/// </summary>
public sealed class AlertAckTokenOptions : IValidatedOptions
{
    /// <summary>Configuration section (<c>POSOPS__Notification__AckToken__Secret</c> and so on).</summary>
    public const string Section = "Notification:AckToken";

    /// <summary>HMAC-SHA256 key shared by both services; unset means alerts carry no ack link and ack links are refused.</summary>
    public string? Secret { get; set; }

    /// <summary>How long a link in an alert stays valid.</summary>
    public int LifetimeMinutes { get; set; } = 240;

    /// <summary>Where IncidentService is reached from the people who read the alerts.</summary>
    public string BaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (Secret is { Length: > 0 and < 16 })
        {
            yield return "Secret must be at least 16 characters (or unset to turn ack links off)";
        }

        if (LifetimeMinutes is < 1 or > 10080)
        {
            yield return $"LifetimeMinutes must be 1-10080, got {LifetimeMinutes}";
        }

        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return $"BaseUrl must be an absolute http(s) URL such as https://posops.example, got '{BaseUrl}'";
        }
    }
}

/// <summary>What checking an ack token found.</summary>
/// <param name="Actor">Who the link was sent to (recorded as the acknowledger) when valid.</param>
/// <param name="Problem">Why the token is refused; null when valid.</param>
/// <param name="Expired">True when the token was genuine but is too old (403 rather than 401).</param>
public sealed record AckTokenCheck(string? Actor, string? Problem, bool Expired = false)
{
    /// <summary>True when the token may acknowledge the incident.</summary>
    public bool Valid => Problem is null;
}

/// <summary>
/// A signed, expiring token that lets the receiver of an alert acknowledge one incident:
/// <c>incidentId(N) "." base64url(actor) "." expiresUnixSeconds "." base64url(HMAC_SHA256(secret, the first three parts joined by "."))</c>.
/// </summary>
public static class AlertAckToken
{
    /// <summary>A token for <paramref name="incidentId"/> sent to <paramref name="actor"/>, valid until <paramref name="expires"/>.</summary>
    public static string Create(string secret, Guid incidentId, string actor, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(actor);
        var payload = string.Join('.', incidentId.ToString("N"), Base64Url(Encoding.UTF8.GetBytes(actor)), expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return payload + "." + Base64Url(Mac(secret, payload));
    }

    /// <summary>Checks signature, incident and expiry, in that order.</summary>
    public static AckTokenCheck Check(string? secret, string? token, Guid incidentId, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return new(null, "acknowledging from alerts is not configured on this service (Notification:AckToken:Secret)");
        }

        var parts = token?.Split('.') ?? [];
        if (parts.Length != 4 || !Guid.TryParseExact(parts[0], "N", out var tokenIncident)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expiresUnix)
            || FromBase64Url(parts[1]) is not { } actorBytes || FromBase64Url(parts[3]) is not { } signature)
        {
            return new(null, "the token is missing or malformed");
        }

        if (!CryptographicOperations.FixedTimeEquals(Mac(secret, string.Join('.', parts[0], parts[1], parts[2])), signature))
        {
            return new(null, "the token's signature does not match");
        }

        var actor = Encoding.UTF8.GetString(actorBytes);
        if (tokenIncident != incidentId)
        {
            return new(actor, $"the token is for incident {tokenIncident}, not {incidentId}", Expired: true);
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(expiresUnix);
        return now > expires
            ? new(actor, $"the token expired at {expires:u}", Expired: true)
            : new(actor, null);
    }

    private static byte[] Mac(string secret, string payload) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
