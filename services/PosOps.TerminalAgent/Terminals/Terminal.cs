using PosOps.Contracts.Agent;
using PosOps.TerminalAgent.Network;
using PosOps.TerminalAgent.Probes;

namespace PosOps.TerminalAgent.Terminals;

/// <summary>Inventory facts of a terminal: what vendor support and auditors need.</summary>
public sealed record TerminalIdentity(string DeviceId, string StoreId, string Model, string Serial, string? Location = null);

/// <summary>A customer notice shown on the terminal's screen, in both languages.</summary>
public sealed record CustomerNotice(string English, string Chinese, DateTimeOffset ShownAt);

/// <summary>One terminal hosted by this agent: its probes and what it last reported.</summary>
public sealed class Terminal(TerminalIdentity identity, ITerminalProbes probes)
{
    public TerminalIdentity Identity { get; } = identity;

    public ITerminalProbes Probes { get; } = probes;

    public string DeviceId => Identity.DeviceId;

    public LinkState Link { get; set; } = LinkState.Start(LinkState.None);

    /// <summary>The faults in the last health picture, component → code.</summary>
    public IReadOnlyDictionary<string, string> ReportedFaults { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public DateTimeOffset NextHeartbeatAt { get; set; }

    /// <summary>While restarting, the terminal says nothing (as a real one would).</summary>
    public DateTimeOffset SilentUntil { get; set; }

    public CustomerNotice? Notice { get; set; }

    /// <summary>What the screen showed, newest last (the simulation's display log).</summary>
    public List<string> DisplayLog { get; } = [];
}

/// <summary>Fault edges between two health pictures.</summary>
public static class HealthEdges
{
    public static (IReadOnlyList<(string Component, string Code)> Appeared, IReadOnlyList<(string Component, string Code)> Cleared) Diff(
        IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> now)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(now);
        var cleared = before.Where(b => !now.TryGetValue(b.Key, out var code) || code != b.Value).Select(b => (b.Key, b.Value)).ToList();
        var appeared = now.Where(n => !before.TryGetValue(n.Key, out var code) || code != n.Value).Select(n => (n.Key, n.Value)).ToList();
        return (appeared, cleared);
    }

    /// <summary>Components that are not Ok and name a code.</summary>
    public static Dictionary<string, string> Faults(IEnumerable<ComponentHealth> components) =>
        components.Where(c => c.Status != ComponentStatus.Ok && c.Code is not null)
            .ToDictionary(c => c.Component, c => c.Code!, StringComparer.Ordinal);
}
