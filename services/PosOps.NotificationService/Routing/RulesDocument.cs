namespace PosOps.NotificationService.Routing;

/// <summary>
/// The rules file as written (YAML, or JSON since YAML reads it too). Secrets are never written
/// here: any receiver value of the form <c>config:Some:Key</c> is read from configuration.
/// </summary>
public sealed class RulesDocument
{
    /// <summary>IANA time zone for <see cref="MatchDocument.Hours"/>, e.g. <c>Asia/Shanghai</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    public List<ReceiverDocument> Receivers { get; set; } = [];

    public List<RouteDocument> Routes { get; set; } = [];
}

public sealed class ReceiverDocument
{
    public string Name { get; set; } = "";

    /// <summary>webhook, slack, dingtalk, wecom, feishu, email or sms.</summary>
    public string Type { get; set; } = "";

    public string? Url { get; set; }

    public string? Secret { get; set; }

    /// <summary>Email addresses or phone numbers.</summary>
    public List<string> To { get; set; } = [];

    /// <summary>SMS text template with {kind} {severity} {faultCode} {deviceId} {storeId} {text} {ackUrl}.</summary>
    public string? Template { get; set; }

    /// <summary>SMS length limit in characters (70 = one Chinese SMS segment).</summary>
    public int? MaxLength { get; set; }
}

public sealed class RouteDocument
{
    public string Name { get; set; } = "";

    public MatchDocument Match { get; set; } = new();

    /// <summary>Receivers of every alert on this route (and of escalations when no later line is set).</summary>
    public List<string> FirstLine { get; set; } = [];

    /// <summary>Receivers of escalation level 1.</summary>
    public List<string> SecondLine { get; set; } = [];

    /// <summary>Receivers of escalation level 2 and above.</summary>
    public List<string> Vendor { get; set; } = [];

    /// <summary>Keep matching later routes after this one matched.</summary>
    public bool Continue { get; set; }

    /// <summary>More alerts than this on the route within the window become one digest.</summary>
    public int? StormThreshold { get; set; }

    public double? StormWindowSeconds { get; set; }
}

/// <summary>Every criterion given must hold; a list holds when any of its values matches.</summary>
public sealed class MatchDocument
{
    /// <summary>minor, degraded, blocking.</summary>
    public List<string>? Severity { get; set; }

    /// <summary>Fault kind = component: display, printer, keypad, power, reader, software, network, liveness, security, store, platform.</summary>
    public List<string>? FaultKind { get; set; }

    public List<string>? FaultCode { get; set; }

    public List<string>? Store { get; set; }

    public List<string>? Region { get; set; }

    /// <summary>Matches when the store has any of these tags.</summary>
    public List<string>? Tags { get; set; }

    /// <summary>Alert kinds such as incident.opened, incident.escalated, store.outage.detected.</summary>
    public List<string>? Kind { get; set; }

    /// <summary>Time of day in the rules' time zone, <c>HH:mm-HH:mm</c>; may wrap midnight (22:00-06:00).</summary>
    public string? Hours { get; set; }
}
