using PosOps.TerminalAgent.Probes;

namespace PosOps.TerminalAgent.Terminals;

/// <summary>The terminals this agent hosts: one real terminal, a store's, or a simulated fleet.</summary>
public sealed class TerminalFleet(IReadOnlyList<Terminal> terminals)
{
    private readonly Dictionary<string, Terminal> byId = terminals.ToDictionary(t => t.DeviceId, StringComparer.Ordinal);

    public IReadOnlyList<Terminal> Terminals { get; } = terminals;

    public Terminal? Find(string deviceId) => byId.GetValueOrDefault(deviceId);

    public static TerminalFleet Real(AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new([.. options.Devices.Select(d => new Terminal(new TerminalIdentity(d.DeviceId, d.StoreId, d.Model, d.Serial, d.Location), new LinuxProbes(d.Interfaces, d.PaymentHost)))]);
    }

    /// <summary>N terminals in M stores, named S01-T001 and so on, with wifi and cellular.</summary>
    public static TerminalFleet Simulated(int terminals, int stores, IReadOnlyList<string> links)
    {
        var fleet = new List<Terminal>(terminals);
        for (var i = 0; i < terminals; i++)
        {
            var store = (i % stores) + 1;
            var number = (i / stores) + 1;
            var id = $"S{store:00}-T{number:000}";
            fleet.Add(new Terminal(new TerminalIdentity(id, $"S{store:00}", "PX-7 Sim", $"SIM{store:00}{number:0000}", $"store S{store:00}, till {number}"), new SimulatedHardware(links)));
        }

        return new(fleet);
    }

}
