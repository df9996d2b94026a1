using PosOps.ServiceDefaults.Configuration;

namespace PosOps.ServiceDefaults.Messaging;

/// <summary>Where the broker is. One place for every process.</summary>
public sealed class RabbitMqOptions : IValidatedOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "RabbitMq";

    /// <summary>AMQP 0-9-1 URI: <c>amqp://user:password@host:port/vhost</c>. Defaults to the local servers script.</summary>
    public string Uri { get; set; } = "amqp://posops:posops@127.0.0.1:27672/";

    /// <summary>Messages fetched ahead per consumer; bounds memory and the size of an ingestion batch.</summary>
    public ushort Prefetch { get; set; } = 500;

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (!System.Uri.TryCreate(Uri, UriKind.Absolute, out var uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
        {
            yield return $"Uri must look like amqp://user:password@host:5672/vhost, got '{Uri}'";
        }

        if (Prefetch == 0)
        {
            yield return "Prefetch must be between 1 and 65535";
        }
    }

    /// <summary>The parsed URI.</summary>
    public Uri ParsedUri => new(Uri);

    /// <summary>Virtual host named by the URI's path ("/" when empty).</summary>
    public string VirtualHost
    {
        get
        {
            var path = System.Uri.UnescapeDataString(ParsedUri.AbsolutePath.TrimStart('/'));
            return path.Length == 0 ? "/" : path;
        }
    }

    /// <summary>User name and password from the URI.</summary>
    public (string User, string Password) Credentials
    {
        get
        {
            var parts = ParsedUri.UserInfo.Split(':', 2);
            return parts.Length == 2 && parts[0].Length > 0
                ? (System.Uri.UnescapeDataString(parts[0]), System.Uri.UnescapeDataString(parts[1]))
                : ("guest", "guest");
        }
    }
}
