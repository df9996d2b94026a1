using PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Incidents;

/// <summary>
/// The guide's fault catalogue: which component a code belongs to and what the store can still do.
/// Severity is decided here, not by the agent, so one vocabulary holds across every terminal model.
/// </summary>
public static class FaultCatalogue
{
    /// <param name="ServerOnly">Raised by IncidentService's correlation, never by a terminal.</param>
    public sealed record Entry(string Component, string Code, Severity Severity, bool ServerOnly = false);

    public const string StoreOutage = "STORE_OUTAGE";
    public const string PlatformOutage = "PLATFORM_OUTAGE";

    private static readonly Entry[] Entries =
    [
        new("display", "DISPLAY_UNRESPONSIVE", Severity.Blocking),
        new("printer", "PAPER_OUT", Severity.Degraded),
        new("printer", "PAPER_JAM", Severity.Degraded),
        new("printer", "PRINTER_OFFLINE", Severity.Degraded),
        new("keypad", "KEYPAD_UNRESPONSIVE", Severity.Blocking),
        new("power", "ON_BATTERY", Severity.Minor),
        new("power", "BATTERY_LOW", Severity.Degraded),
        new("power", "POWER_LOST", Severity.Blocking),
        new("card-reader", "READER_FAULT", Severity.Blocking),
        new("software", "APP_CRASHED", Severity.Blocking),
        new("software", "APP_OUTDATED", Severity.Minor),
        new("network", "WIFI_DOWN", Severity.Blocking),
        new("network", "WIFI_WEAK", Severity.Degraded),
        new("network", "ETHERNET_DOWN", Severity.Blocking),
        new("network", "CELLULAR_DOWN", Severity.Blocking),
        new("network", "GATEWAY_UNREACHABLE", Severity.Blocking),
        new("network", "PAYMENT_HOST_UNREACHABLE", Severity.Blocking),
        new("liveness", "DEVICE_SILENT", Severity.Blocking),
        new("security", "TAMPER_DETECTED", Severity.Blocking),
        new("store", StoreOutage, Severity.Blocking, ServerOnly: true),
        new("platform", PlatformOutage, Severity.Blocking, ServerOnly: true),
    ];

    private static readonly Dictionary<string, Entry> ByCode = Entries.ToDictionary(e => e.Code, StringComparer.Ordinal);

    public static IReadOnlySet<string> Components { get; } = Entries.Where(e => !e.ServerOnly).Select(e => e.Component).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every code, the server's own included (runbooks must cover these).</summary>
    public static IReadOnlySet<string> Codes { get; } = Entries.Select(e => e.Code).ToHashSet(StringComparer.Ordinal);

    /// <summary>Lost network or silence: what a store-wide outage (router, ISP) looks like from one terminal.</summary>
    public static bool IsConnectivity(string code) =>
        ByCode.TryGetValue(code, out var e) && e.Severity == Severity.Blocking && e.Component is "network" or "liveness";

    public static IReadOnlyList<string> ConnectivityCodes { get; } = [.. Entries.Where(e => IsConnectivity(e.Code)).Select(e => e.Code)];

    /// <summary>Severity of any catalogue code, the server's own included; unknown codes count as blocking.</summary>
    public static Severity SeverityOf(string code) => ByCode.TryGetValue(code, out var entry) ? entry.Severity : Severity.Blocking;

    /// <summary>The catalogue entry for a (component, code) pair, or why there is none.</summary>
    public static bool TryFind(string component, string code, out Entry entry, out string? problem)
    {
        if (!ByCode.TryGetValue(code, out entry!) || entry.ServerOnly)
        {
            problem = $"unknown fault code '{code}'";
            return false;
        }

        if (!string.Equals(entry.Component, component, StringComparison.Ordinal))
        {
            problem = $"fault code '{code}' belongs to component '{entry.Component}', not '{component}'";
            return false;
        }

        problem = null;
        return true;
    }
}
