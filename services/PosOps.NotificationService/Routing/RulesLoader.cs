using System.Globalization;
using PosOps.NotificationService.Channels;
using PosOps.NotificationService.Kernel;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace PosOps.NotificationService.Routing;

/// <summary>Parses and validates a rules file. Every problem is named; nothing half-valid is ever used.</summary>
public sealed class RulesLoader(IConfiguration configuration, WebhookOptions webhook, RoutingOptions defaults)
{
    /// <summary>The receiver <c>webhook</c> always exists: the <c>Notification:Webhook</c> settings.</summary>
    public const string BuiltInWebhook = "webhook";

    private const string ConfigPrefix = "config:";

    private static readonly IDeserializer Yaml = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();

    /// <summary>The rules when no file is configured: every alert to the built-in webhook.</summary>
    public RuleSet BuiltIn() => Compile(new RulesDocument { Routes = [new RouteDocument { Name = "default", FirstLine = [BuiltInWebhook] }] }, "built-in", out _)!;

    public RuleSet? Load(string text, string source, out IReadOnlyList<string> problems)
    {
        RulesDocument? document;
        try
        {
            document = Yaml.Deserialize<RulesDocument?>(text);
        }
        catch (YamlException e)
        {
            problems = [$"not valid YAML/JSON at line {e.Start.Line.ToString(CultureInfo.InvariantCulture)}, column {e.Start.Column.ToString(CultureInfo.InvariantCulture)}: {(e.InnerException ?? e).Message}"];
            return null;
        }

        if (document is null)
        {
            problems = ["the file is empty"];
            return null;
        }

        return Compile(document, source, out problems);
    }

    private RuleSet? Compile(RulesDocument document, string source, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        var zone = TimeZoneInfo.Utc;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(document.TimeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            errors.Add($"timeZone '{document.TimeZone}' is unknown (use an IANA name such as Asia/Shanghai)");
        }

        var receivers = new Dictionary<string, Receiver>(StringComparer.Ordinal)
        {
            [BuiltInWebhook] = new(BuiltInWebhook, ReceiverTypes.Webhook, webhook.Url, webhook.Secret, [], null, 0),
        };
        foreach (var r in document.Receivers)
        {
            var at = $"receiver '{r.Name}'";
            if (string.IsNullOrWhiteSpace(r.Name))
            {
                errors.Add("every receiver needs a name");
                continue;
            }

            if (r.Name != BuiltInWebhook && receivers.ContainsKey(r.Name))
            {
                errors.Add($"{at} is defined twice");
            }

            if (!ReceiverTypes.All.Contains(r.Type))
            {
                errors.Add($"{at}: type must be one of {string.Join(", ", ReceiverTypes.All)}, got '{r.Type}'");
                continue;
            }

            var url = Resolve(r.Url, at, "url", errors);
            var secret = Resolve(r.Secret, at, "secret", errors);
            if (r.Type is not ReceiverTypes.Email && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            {
                errors.Add($"{at}: url must be an absolute http(s) URL, got '{(r.Url?.StartsWith(ConfigPrefix, StringComparison.Ordinal) == true ? r.Url : url)}'");
            }

            if (r.Type is ReceiverTypes.Email or ReceiverTypes.Sms && r.To.Count == 0)
            {
                errors.Add($"{at}: 'to' needs at least one {(r.Type == ReceiverTypes.Email ? "address" : "phone number")}");
            }

            if (r.Type is ReceiverTypes.Email && r.To.FirstOrDefault(a => !MimeKit.MailboxAddress.TryParse(a, out _)) is { } bad)
            {
                errors.Add($"{at}: '{bad}' is not an email address");
            }

            if (r.MaxLength is < 20 or > 1000)
            {
                errors.Add($"{at}: maxLength must be 20-1000, got {r.MaxLength}");
            }

            receivers[r.Name] = new(r.Name, r.Type, url, secret, r.To, r.Template ?? SmsChannel.DefaultTemplate, r.MaxLength ?? 70);
        }

        var routes = new List<Route>();
        foreach (var r in document.Routes)
        {
            var at = $"route '{r.Name}'";
            if (string.IsNullOrWhiteSpace(r.Name))
            {
                errors.Add("every route needs a name");
            }
            else if (routes.Any(x => x.Name == r.Name))
            {
                errors.Add($"{at} is defined twice");
            }

            if (r.FirstLine.Count == 0)
            {
                errors.Add($"{at}: firstLine needs at least one receiver");
            }

            foreach (var name in r.FirstLine.Concat(r.SecondLine).Concat(r.Vendor).Where(n => !receivers.ContainsKey(n)).Distinct())
            {
                errors.Add($"{at}: receiver '{name}' is not defined");
            }

            var m = r.Match;
            foreach (var severity in m.Severity?.Where(s => !ReceiverTypes.Severities.Contains(s, StringComparer.OrdinalIgnoreCase)) ?? [])
            {
                errors.Add($"{at}: severity must be one of {string.Join(", ", ReceiverTypes.Severities)}, got '{severity}'");
            }

            (TimeOnly, TimeOnly)? hours = null;
            if (m.Hours is { } text)
            {
                var parts = text.Split('-', StringSplitOptions.TrimEntries);
                if (parts.Length == 2 && TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
                    && TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to) && from != to)
                {
                    hours = (from, to);
                }
                else
                {
                    errors.Add($"{at}: hours must read HH:mm-HH:mm (e.g. 08:00-22:00 or 22:00-06:00), got '{text}'");
                }
            }

            var threshold = r.StormThreshold ?? defaults.StormThreshold;
            var window = r.StormWindowSeconds ?? defaults.StormWindowSeconds;
            if (threshold < 1 || window <= 0)
            {
                errors.Add($"{at}: stormThreshold must be at least 1 and stormWindowSeconds above 0");
            }

            routes.Add(new Route(r.Name, RuleSet.Matcher(m, zone, hours), r.FirstLine, r.SecondLine, r.Vendor, r.Continue, threshold, TimeSpan.FromSeconds(Math.Max(window, 0.001))));
        }

        if (routes.Count == 0)
        {
            errors.Add("at least one route is needed (alerts matching no route would be lost)");
        }

        problems = errors;
        return errors.Count == 0 ? new RuleSet(receivers, routes, source) : null;
    }

    private string? Resolve(string? value, string at, string field, List<string> errors)
    {
        if (value is null || !value.StartsWith(ConfigPrefix, StringComparison.Ordinal))
        {
            return value;
        }

        var key = value[ConfigPrefix.Length..];
        var resolved = configuration[key];
        if (string.IsNullOrEmpty(resolved))
        {
            errors.Add($"{at}: {field} refers to configuration '{key}', which is not set (POSOPS__{key.Replace(":", "__", StringComparison.Ordinal)})");
        }

        return resolved;
    }
}
