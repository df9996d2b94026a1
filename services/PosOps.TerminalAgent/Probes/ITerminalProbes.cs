using PosOps.Contracts.Agent;

namespace PosOps.TerminalAgent.Probes;

/// <summary>
/// What a terminal can see of itself. The only part that differs between a real terminal (Linux
/// /sys, the payment app's reports) and a simulated one; everything above it is shared.
/// </summary>
public interface ITerminalProbes
{
    /// <summary>Every component except network (the runtime derives network from the links).</summary>
    IReadOnlyList<ComponentHealth> ReadComponents();

    /// <summary>Which links are up now (ethernet, wifi, cellular, hotspot) among those the terminal has.</summary>
    IReadOnlyDictionary<string, bool> ReadLinks();

    /// <summary>Signal of a radio link, 0-100, or null.</summary>
    int? SignalPercent(string link);

    /// <summary>True when the local gateway (the store's router) answers over the active link.</summary>
    bool GatewayReachable(string activeLink);

    /// <summary>True when the payment host answers over the active link.</summary>
    bool PaymentHostReachable(string activeLink);

    string AppVersion { get; }

    string OsVersion { get; }
}
