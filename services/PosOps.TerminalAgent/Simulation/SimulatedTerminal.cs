using PosOps.Contracts.Agent;

namespace PosOps.TerminalAgent.Simulation;

/// <summary>
/// One virtual terminal: its components, network and per-device sequence. It produces the same
/// messages a real terminal does; only the probes are invented.
/// </summary>
public sealed class SimulatedTerminal(string deviceId, string storeId)
{
    public static readonly IReadOnlyList<string> ComponentNames = ["display", "printer", "keypad", "power", "card-reader", "software", "network"];

    /// <summary>Faults the background generator picks from (no tamper, no silence: those are scripted).</summary>
    public static readonly IReadOnlyList<(string Component, string Code)> BackgroundFaults =
    [
        ("printer", "PAPER_OUT"), ("printer", "PAPER_JAM"), ("printer", "PRINTER_OFFLINE"),
        ("display", "DISPLAY_UNRESPONSIVE"), ("keypad", "KEYPAD_UNRESPONSIVE"),
        ("power", "ON_BATTERY"), ("power", "BATTERY_LOW"), ("card-reader", "READER_FAULT"),
        ("software", "APP_CRASHED"), ("network", "WIFI_WEAK"), ("network", "WIFI_DOWN"),
    ];

    private readonly Dictionary<string, string> faults = new(StringComparer.Ordinal);

    // IncidentService ignores anything not newer than what it has seen from a device. A virtual
    // terminal keeps no state across runs, so its sequence starts from the clock (microseconds),
    // which stays ahead of every earlier run. Real agents keep theirs in the durable outbox.
    private long sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    public string DeviceId { get; } = deviceId;

    public string StoreId { get; } = storeId;

    public DateTimeOffset NextHeartbeatAt { get; set; }

    public bool HasFault => faults.Count > 0;

    public Heartbeat Heartbeat(DateTimeOffset now) => new(
        Guid.CreateVersion7(now), DeviceId, StoreId, ++sequence,
        [.. ComponentNames.Select(c => faults.TryGetValue(c, out var code)
            ? new ComponentHealth(c, ComponentStatus.Faulted, code)
            : new ComponentHealth(c, ComponentStatus.Ok))],
        new NetworkState("wifi", faults.ContainsKey("network") ? 10 : 80),
        AppVersion: "4.2.0", OsVersion: "android-12", OfflineJournalDepth: 0, now);

    public FaultReported Fail(string component, string code, DateTimeOffset now)
    {
        faults[component] = code;
        return new FaultReported(Guid.CreateVersion7(now), DeviceId, StoreId, ++sequence, component, code, now, "simulated");
    }

    public FaultCleared? Clear(string component, DateTimeOffset now)
    {
        if (!faults.Remove(component, out var code))
        {
            return null;
        }

        return new FaultCleared(Guid.CreateVersion7(now), DeviceId, StoreId, ++sequence, component, code, now);
    }
}
