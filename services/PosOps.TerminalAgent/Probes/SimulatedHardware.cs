using PosOps.Contracts.Agent;

namespace PosOps.TerminalAgent.Probes;

/// <summary>A virtual terminal's hardware: the simulator breaks and mends it, the agent probes it.</summary>
public sealed class SimulatedHardware : ITerminalProbes
{
    /// <summary>Faults a restart clears (the guide: "a restart clears many temporary faults").</summary>
    public static readonly IReadOnlySet<string> RestartFixable = new HashSet<string>(StringComparer.Ordinal)
    {
        "APP_CRASHED", "DISPLAY_UNRESPONSIVE", "KEYPAD_UNRESPONSIVE", "READER_FAULT", "PRINTER_OFFLINE",
    };

    private static readonly string[] Hardware = ["display", "printer", "keypad", "power", "card-reader", "software", "security"];
    private readonly Lock gate = new();
    private readonly Dictionary<string, string> faults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> links;
    private readonly Dictionary<string, int> signal = new(StringComparer.Ordinal) { ["wifi"] = 80, ["cellular"] = 65, ["hotspot"] = 50 };
    private bool paymentHostUp = true;
    private bool gatewayUp = true;

    public SimulatedHardware(IEnumerable<string> links) =>
        this.links = links.ToDictionary(l => l, _ => true, StringComparer.Ordinal);

    public string AppVersion { get; set; } = "4.2.0";

    public string OsVersion { get; set; } = "android-12";

    public bool HasFault
    {
        get
        {
            lock (gate)
            {
                return faults.Count > 0 || links.Values.Any(up => !up) || !paymentHostUp || !gatewayUp;
            }
        }
    }

    public IReadOnlyList<ComponentHealth> ReadComponents()
    {
        lock (gate)
        {
            return [.. Hardware.Select(c => faults.TryGetValue(c, out var code)
                ? new ComponentHealth(c, Status(code), code)
                : new ComponentHealth(c, ComponentStatus.Ok))];
        }
    }

    public IReadOnlyDictionary<string, bool> ReadLinks()
    {
        lock (gate)
        {
            return new Dictionary<string, bool>(links, StringComparer.Ordinal);
        }
    }

    public int? SignalPercent(string link)
    {
        lock (gate)
        {
            return signal.TryGetValue(link, out var s) ? s : null;
        }
    }

    public bool GatewayReachable(string activeLink)
    {
        lock (gate)
        {
            // The store's router serves wired and WiFi links; mobile data does not go through it.
            return gatewayUp || activeLink is "cellular" or "hotspot";
        }
    }

    public void SetGateway(bool up)
    {
        lock (gate)
        {
            gatewayUp = up;
        }
    }

    public bool PaymentHostReachable(string activeLink)
    {
        lock (gate)
        {
            return paymentHostUp && (gatewayUp || activeLink is "cellular" or "hotspot");
        }
    }

    public void Fail(string component, string code)
    {
        lock (gate)
        {
            faults[component] = code;
        }
    }

    public void Mend(string component)
    {
        lock (gate)
        {
            faults.Remove(component);
        }
    }

    public void SetLink(string link, bool up)
    {
        lock (gate)
        {
            if (links.ContainsKey(link))
            {
                links[link] = up;
            }
        }
    }

    public void SetSignal(string link, int percent)
    {
        lock (gate)
        {
            signal[link] = percent;
        }
    }

    public void SetPaymentHost(bool up)
    {
        lock (gate)
        {
            paymentHostUp = up;
        }
    }

    /// <summary>What a restart fixes; returns the codes it cleared.</summary>
    public IReadOnlyList<string> Restart()
    {
        lock (gate)
        {
            var fixable = faults.Where(f => RestartFixable.Contains(f.Value)).ToList();
            foreach (var (component, _) in fixable)
            {
                faults.Remove(component);
            }

            return [.. fixable.Select(f => f.Value)];
        }
    }

    /// <summary>An app update or reinstall fixes software faults.</summary>
    public IReadOnlyList<string> ReinstallApp(string version)
    {
        lock (gate)
        {
            AppVersion = version;
            return faults.Remove("software", out var code) ? [code] : [];
        }
    }

    private static ComponentStatus Status(string code) => code is "ON_BATTERY" or "APP_OUTDATED" or "BATTERY_LOW" ? ComponentStatus.Degraded : ComponentStatus.Faulted;
}
