using PosOps.ServiceDefaults.Configuration;
using PosOps.TerminalAgent.Network;

namespace PosOps.TerminalAgent.Terminals;

/// <summary>One real terminal this agent hosts (simulation mode makes its own).</summary>
public sealed class DeviceOptions
{
    public string DeviceId { get; set; } = "";

    public string StoreId { get; set; } = "";

    public string Model { get; set; } = "";

    public string Serial { get; set; } = "";

    public string? Location { get; set; }

    /// <summary>Base64 HMAC key, as provisioned in the device registry.</summary>
    public string Key { get; set; } = "";

    /// <summary>Linux interface per link, e.g. ethernet=eth0, wifi=wlan0, cellular=wwan0.</summary>
    public Dictionary<string, string> Interfaces { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Payment host as host:port; reachability is a TCP connect.</summary>
    public string? PaymentHost { get; set; }
}

/// <summary>The agent's shared settings.</summary>
public sealed class AgentOptions : IValidatedOptions
{
    public const string Section = "Agent";

    public double HeartbeatIntervalSeconds { get; set; } = 15;

    /// <summary>Link preference, best first.</summary>
    public List<string> NetworkOrder { get; set; } = [.. NetworkPolicy.DefaultOrder];

    /// <summary>How long a better link must stay healthy before the terminal moves back to it.</summary>
    public double FailbackAfterSeconds { get; set; } = 60;

    public bool AutoFailover { get; set; } = true;

    /// <summary>How long a restart keeps the terminal silent.</summary>
    public double RestartSeconds { get; set; } = 5;

    /// <summary>Local interface for the payment app (offline journal, app-reported health); loopback only.</summary>
    public string LocalUrl { get; set; } = "http://127.0.0.1:5095";

    public List<DeviceOptions> Devices { get; set; } = [];

    public IEnumerable<string> Validate()
    {
        if (HeartbeatIntervalSeconds is < 0.2 or > 3600)
        {
            yield return $"HeartbeatIntervalSeconds must be 0.2-3600, got {HeartbeatIntervalSeconds}";
        }

        var unknown = NetworkOrder.Except(NetworkPolicy.DefaultOrder).ToList();
        if (NetworkOrder.Count == 0 || unknown.Count > 0)
        {
            yield return $"NetworkOrder must list links among {string.Join(", ", NetworkPolicy.DefaultOrder)}; unknown: {string.Join(", ", unknown)}";
        }

        if (FailbackAfterSeconds < 0)
        {
            yield return $"FailbackAfterSeconds must be 0 or more, got {FailbackAfterSeconds}";
        }

        if (!Uri.TryCreate(LocalUrl, UriKind.Absolute, out var local) || !local.IsLoopback)
        {
            yield return $"LocalUrl must be a loopback http URL such as http://127.0.0.1:5095, got '{LocalUrl}'";
        }

        foreach (var device in Devices)
        {
            if (string.IsNullOrWhiteSpace(device.DeviceId) || string.IsNullOrWhiteSpace(device.StoreId))
            {
                yield return "Devices entries need DeviceId and StoreId";
            }

            if (!IsBase64Key(device.Key))
            {
                yield return $"Devices:{device.DeviceId}:Key must be the base64 signing key from the device registry";
            }
        }
    }

    public NetworkPolicy Policy() => new(NetworkOrder, TimeSpan.FromSeconds(FailbackAfterSeconds), AutoFailover);

    private static bool IsBase64Key(string key)
    {
        var buffer = new byte[key.Length];
        return Convert.TryFromBase64String(key, buffer, out var written) && written >= 16;
    }
}
