using PosOps.Contracts.Agent;
using PosOps.TerminalAgent.Network;
using PosOps.TerminalAgent.Outbox;

namespace PosOps.TerminalAgent.Terminals;

/// <summary>
/// Reads a terminal's probes and turns what changed into messages: network switches and fault
/// edges at once, the full health picture every heartbeat interval (design principles 1 and 2).
/// </summary>
public sealed class TerminalObserver(NetworkPolicy policy)
{
    public NetworkPolicy Policy => policy;

    public void Observe(Terminal terminal, DateTimeOffset now, bool heartbeatDue, int journalDepth, List<Outgoing> outgoing)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(outgoing);
        var id = terminal.Identity;
        var links = UsableLinks(terminal);
        var (link, change) = policy.Decide(terminal.Link, links, now);
        terminal.Link = link;
        if (change is not null)
        {
            outgoing.Add(new Outgoing(id.DeviceId, seq => new NetworkSwitched(Guid.CreateVersion7(now), id.DeviceId, id.StoreId, seq, change.From, change.To, change.Reason, now)));
        }

        var components = Components(terminal, links);
        var faults = HealthEdges.Faults(components);
        var (appeared, cleared) = HealthEdges.Diff(terminal.ReportedFaults, faults);
        foreach (var (component, code) in cleared)
        {
            outgoing.Add(new Outgoing(id.DeviceId, seq => new FaultCleared(Guid.CreateVersion7(now), id.DeviceId, id.StoreId, seq, component, code, now)));
        }

        foreach (var (component, code) in appeared)
        {
            outgoing.Add(new Outgoing(id.DeviceId, seq => new FaultReported(Guid.CreateVersion7(now), id.DeviceId, id.StoreId, seq, component, code, now)));
        }

        terminal.ReportedFaults = faults;
        if (heartbeatDue)
        {
            var network = new NetworkState(link.Active, terminal.Probes.SignalPercent(link.Active));
            outgoing.Add(new Outgoing(id.DeviceId, seq => new Heartbeat(Guid.CreateVersion7(now), id.DeviceId, id.StoreId, seq, components, network,
                terminal.Probes.AppVersion, terminal.Probes.OsVersion, journalDepth, now)));
        }
    }

    /// <summary>
    /// Links the terminal can trade over: up, and with a gateway that answers (a dead store router
    /// makes wired and WiFi useless while mobile data still works, so the policy fails over).
    /// </summary>
    public static IReadOnlyDictionary<string, bool> UsableLinks(Terminal terminal)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        return terminal.Probes.ReadLinks().ToDictionary(l => l.Key, l => l.Value && terminal.Probes.GatewayReachable(l.Key), StringComparer.Ordinal);
    }

    /// <summary>The probes' components plus the network component, which the links decide.</summary>
    public IReadOnlyList<ComponentHealth> Components(Terminal terminal, IReadOnlyDictionary<string, bool> links)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(links);
        var active = terminal.Link.Active;
        ComponentHealth network;
        var preferred = policy.Order.FirstOrDefault(links.ContainsKey);
        if (active == LinkState.None)
        {
            var cause = preferred is not null && terminal.Probes.ReadLinks().GetValueOrDefault(preferred) ? "GATEWAY_UNREACHABLE" : NetworkPolicy.DownCode(preferred ?? "wifi");
            network = new ComponentHealth("network", ComponentStatus.Faulted, cause);
        }
        else if (!terminal.Probes.ReadLinks().GetValueOrDefault(active))
        {
            // Automatic failover is off: the terminal stays on its failed link until told to switch.
            network = new ComponentHealth("network", ComponentStatus.Faulted, NetworkPolicy.DownCode(active));
        }
        else if (!terminal.Probes.GatewayReachable(active))
        {
            network = new ComponentHealth("network", ComponentStatus.Faulted, "GATEWAY_UNREACHABLE");
        }
        else if (!terminal.Probes.PaymentHostReachable(active))
        {
            network = new ComponentHealth("network", ComponentStatus.Faulted, "PAYMENT_HOST_UNREACHABLE");
        }
        else if (preferred is not null && preferred != active && !links.GetValueOrDefault(preferred))
        {
            // Trading on a backup link: degraded, and the guide wants the failed link (or router) fixed.
            var cause = terminal.Probes.ReadLinks().GetValueOrDefault(preferred) ? "GATEWAY_UNREACHABLE" : NetworkPolicy.DownCode(preferred);
            network = new ComponentHealth("network", ComponentStatus.Degraded, cause);
        }
        else if (active == "wifi" && terminal.Probes.SignalPercent(active) is < 20)
        {
            network = new ComponentHealth("network", ComponentStatus.Degraded, "WIFI_WEAK");
        }
        else
        {
            network = new ComponentHealth("network", ComponentStatus.Ok);
        }

        return [.. terminal.Probes.ReadComponents(), network];
    }

    /// <summary>Online for payments: a link is active and the payment host answers.</summary>
    public static bool CanReachPaymentHost(Terminal terminal) =>
        terminal.Link.Active != LinkState.None && terminal.Probes.PaymentHostReachable(terminal.Link.Active);
}
