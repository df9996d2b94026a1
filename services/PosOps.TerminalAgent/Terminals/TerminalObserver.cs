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
        var links = terminal.Probes.ReadLinks();
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
            network = new ComponentHealth("network", ComponentStatus.Faulted, NetworkPolicy.DownCode(preferred ?? "wifi"));
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
            // Trading on a backup link: degraded, and the guide wants the failed link fixed.
            network = new ComponentHealth("network", ComponentStatus.Degraded, NetworkPolicy.DownCode(preferred));
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
