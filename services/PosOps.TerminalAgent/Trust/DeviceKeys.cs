using PosOps.ServiceDefaults.Messaging;

namespace PosOps.TerminalAgent.Trust;

/// <summary>Each terminal's signing key (the same key the device registry holds for it).</summary>
public interface IDeviceKeys
{
    byte[] KeyFor(string deviceId);
}

/// <summary>Keys given per device in configuration (<c>Agent:Devices</c>), for real terminals.</summary>
public sealed class ConfiguredDeviceKeys(IReadOnlyDictionary<string, byte[]> keys) : IDeviceKeys
{
    public byte[] KeyFor(string deviceId) =>
        keys.TryGetValue(deviceId, out var key) ? key : throw new InvalidOperationException($"no signing key configured for device '{deviceId}'");
}

/// <summary>Keys derived from a fleet provisioning secret, for a simulated fleet.</summary>
public sealed class DerivedDeviceKeys(string fleetSecret) : IDeviceKeys
{
    private readonly Dictionary<string, byte[]> cache = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public byte[] KeyFor(string deviceId)
    {
        lock (gate)
        {
            if (!cache.TryGetValue(deviceId, out var key))
            {
                cache[deviceId] = key = AgentSignature.DeriveDeviceKey(fleetSecret, deviceId);
            }

            return key;
        }
    }
}
