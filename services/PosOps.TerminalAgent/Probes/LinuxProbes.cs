using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using PosOps.Contracts.Agent;

namespace PosOps.TerminalAgent.Probes;

/// <summary>
/// A real terminal on Linux: links from /sys/class/net, power from /sys/class/power_supply, the
/// payment host by a TCP connect; display, printer, keypad, card reader and software as the payment
/// app last reported them through the local interface (it sees them, the OS does not).
/// Takes the link-to-interface map and payment host as plain values, not the agent's DeviceOptions,
/// so Probes stays below Terminals (Terminals uses probes, never the other way round).
/// </summary>
/// <param name="interfaces">Linux interface per link, e.g. ethernet=eth0, wifi=wlan0.</param>
/// <param name="paymentHost">Payment host as host:port, or null when there is none to check.</param>
public sealed class LinuxProbes(
    IReadOnlyDictionary<string, string> interfaces,
    string? paymentHost,
    string sysRoot = "/sys",
    string procRoot = "/proc") : ITerminalProbes
{
    private static readonly string[] AppReported = ["display", "printer", "keypad", "card-reader", "software"];
    private readonly ConcurrentDictionary<string, ComponentHealth> reported = new(StringComparer.Ordinal);
    private (DateTimeOffset At, bool Up) paymentHostCheck = (DateTimeOffset.MinValue, true);
    private (DateTimeOffset At, bool Up) gatewayCheck = (DateTimeOffset.MinValue, true);

    public string AppVersion { get; set; } = "unknown";

    public string OsVersion { get; } = ReadOsVersion();

    /// <summary>The payment app reports a component's health.</summary>
    public void Report(ComponentHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        reported[health.Component] = health;
    }

    public IReadOnlyList<ComponentHealth> ReadComponents() =>
        [.. AppReported.Select(c => reported.TryGetValue(c, out var h) ? h : new ComponentHealth(c, ComponentStatus.Ok)), Power()];

    public IReadOnlyDictionary<string, bool> ReadLinks() =>
        interfaces.ToDictionary(
            p => p.Key,
            p => string.Equals(ReadText(Path.Combine(sysRoot, "class", "net", p.Value, "operstate")), "up", StringComparison.Ordinal),
            StringComparer.Ordinal);

    public int? SignalPercent(string link) => null;

    public bool GatewayReachable(string activeLink)
    {
        var gateway = DefaultGateway();
        if (gateway is null)
        {
            return false;
        }

        var now = DateTimeOffset.UtcNow;
        if (now - gatewayCheck.At < TimeSpan.FromSeconds(10))
        {
            return gatewayCheck.Up;
        }

        bool up;
        try
        {
            using var ping = new System.Net.NetworkInformation.Ping();
            up = ping.Send(gateway, 1000).Status == System.Net.NetworkInformation.IPStatus.Success;
        }
        catch (System.Net.NetworkInformation.PingException)
        {
            up = false;
        }

        gatewayCheck = (now, up);
        return up;
    }

    /// <summary>The default route's gateway from /proc/net/route (little-endian hex), or null.</summary>
    private System.Net.IPAddress? DefaultGateway()
    {
        var routes = ReadText(Path.Combine(procRoot, "net", "route"));
        var line = routes?.Split('\n').Skip(1).Select(l => l.Split('\t', StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(f => f.Length > 2 && f[1] == "00000000");
        return line is null || !uint.TryParse(line[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var raw)
            ? null
            : new System.Net.IPAddress(raw);
    }

    public bool PaymentHostReachable(string activeLink)
    {
        if (string.IsNullOrEmpty(paymentHost))
        {
            return true;
        }

        // At most one connect every 10 s: the agent ticks far more often than that.
        var now = DateTimeOffset.UtcNow;
        if (now - paymentHostCheck.At < TimeSpan.FromSeconds(10))
        {
            return paymentHostCheck.Up;
        }

        var parts = paymentHost.Split(':');
        bool up;
        try
        {
            using var client = new TcpClient();
            var attempt = client.BeginConnect(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture), null, null);
            up = attempt.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(2)) && client.Connected;
        }
        catch (SocketException)
        {
            up = false;
        }

        paymentHostCheck = (now, up);
        return up;
    }

    private ComponentHealth Power()
    {
        var supplies = Path.Combine(sysRoot, "class", "power_supply");
        if (!Directory.Exists(supplies))
        {
            return new ComponentHealth("power", ComponentStatus.Ok);
        }

        var mainsOnline = false;
        var hasMains = false;
        int? capacity = null;
        foreach (var supply in Directory.GetDirectories(supplies))
        {
            var type = ReadText(Path.Combine(supply, "type"));
            if (type == "Mains")
            {
                hasMains = true;
                mainsOnline |= ReadText(Path.Combine(supply, "online")) == "1";
            }
            else if (type == "Battery" && int.TryParse(ReadText(Path.Combine(supply, "capacity")), CultureInfo.InvariantCulture, out var c))
            {
                capacity = c;
            }
        }

        if (hasMains && !mainsOnline)
        {
            return capacity is < 15
                ? new ComponentHealth("power", ComponentStatus.Degraded, "BATTERY_LOW")
                : new ComponentHealth("power", ComponentStatus.Degraded, "ON_BATTERY");
        }

        return new ComponentHealth("power", ComponentStatus.Ok);
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string ReadOsVersion()
    {
        var release = ReadText("/etc/os-release");
        var line = release?.Split('\n').FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
        return line?["PRETTY_NAME=".Length..].Trim('"') ?? Environment.OSVersion.VersionString;
    }
}
