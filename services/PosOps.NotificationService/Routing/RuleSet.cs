using PosOps.NotificationService.Kernel;

namespace PosOps.NotificationService.Routing;

/// <summary>Where one alert goes on one route.</summary>
public sealed record RouteDecision(string Route, IReadOnlyList<Receiver> Receivers, int StormThreshold, TimeSpan StormWindow);

public sealed record Route(
    string Name,
    Func<Alert, bool> Matches,
    IReadOnlyList<string> FirstLine,
    IReadOnlyList<string> SecondLine,
    IReadOnlyList<string> Vendor,
    bool Continue,
    int StormThreshold,
    TimeSpan StormWindow);

/// <summary>Validated, compiled routing rules: a pure function from an alert to its receivers.</summary>
public sealed class RuleSet(IReadOnlyDictionary<string, Receiver> receivers, IReadOnlyList<Route> routes, string source)
{
    public IReadOnlyDictionary<string, Receiver> Receivers { get; } = receivers;

    public IReadOnlyList<Route> Routes { get; } = routes;

    /// <summary>Where the rules came from (file path and hash, or "built-in").</summary>
    public string Source { get; } = source;

    /// <summary>
    /// Routes in order, first match wins unless it says <c>continue</c>. Escalation level 1 goes to
    /// the second line, level 2 and above to the vendor; an empty line falls back to the one before.
    /// </summary>
    public IReadOnlyList<RouteDecision> Route(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var decisions = new List<RouteDecision>();
        foreach (var route in Routes.Where(r => r.Matches(alert)))
        {
            var line = alert.Kind == "incident.escalated" ? Math.Clamp(alert.Level ?? 0, 0, 2) : 0;
            IReadOnlyList<string>[] lines = [route.FirstLine, route.SecondLine, route.Vendor];
            while (line > 0 && lines[line].Count == 0)
            {
                line--;
            }

            decisions.Add(new RouteDecision(route.Name, [.. lines[line].Select(n => Receivers[n])], route.StormThreshold, route.StormWindow));
            if (!route.Continue)
            {
                break;
            }
        }

        return decisions;
    }

    /// <summary>Builds the matcher of one route; null criteria match anything.</summary>
    public static Func<Alert, bool> Matcher(MatchDocument match, TimeZoneInfo zone, (TimeOnly From, TimeOnly To)? hours)
    {
        ArgumentNullException.ThrowIfNull(match);
        return alert =>
            Any(match.Severity, alert.Severity is { } s ? [s.ToString()] : [])
            && Any(match.FaultKind, alert.Component is { } c ? [c] : [])
            && Any(match.FaultCode, [alert.FaultCode])
            && Any(match.Store, [alert.StoreId])
            && Any(match.Region, alert.Region is { } r ? [r] : [])
            && Any(match.Tags, alert.Tags ?? [])
            && Any(match.Kind, [alert.Kind])
            && (hours is not { } h || Within(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(alert.RecordedAt, zone).DateTime), h.From, h.To));
    }

    public static bool Within(TimeOnly time, TimeOnly from, TimeOnly to) =>
        from <= to ? time >= from && time < to : time >= from || time < to;

    private static bool Any(List<string>? wanted, IEnumerable<string> values) =>
        wanted is null || values.Any(v => wanted.Contains(v, StringComparer.OrdinalIgnoreCase));
}

