using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PosOps.ServiceDefaults.Messaging;

/// <summary>
/// HMAC-SHA256 over device id, sequence and body with the device's own key. The agent signs every
/// message; IncidentService rejects unsigned and forged ones. Any language can compute it:
/// <c>base64(HMAC_SHA256(key, deviceId + "\n" + sequence + "\n" + body))</c>.
/// </summary>
public static class AgentSignature
{
    /// <summary>The signature of one message, base64.</summary>
    public static string Sign(ReadOnlySpan<byte> key, string deviceId, long sequence, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        var prefix = Encoding.UTF8.GetBytes(deviceId + "\n" + sequence.ToString(CultureInfo.InvariantCulture) + "\n");
        var data = new byte[prefix.Length + body.Length];
        prefix.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(prefix.Length));
        return Convert.ToBase64String(HMACSHA256.HashData(key, data));
    }

    /// <summary>True when <paramref name="signature"/> is the message's signature under <paramref name="key"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> key, string deviceId, long sequence, ReadOnlySpan<byte> body, string? signature)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(key, deviceId, sequence, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }

    /// <summary>
    /// A device key derived from a fleet provisioning secret, as a simulated fleet (or a factory
    /// provisioning step) does; the registry stores the result per device.
    /// </summary>
    public static byte[] DeriveDeviceKey(string fleetSecret, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(fleetSecret);
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(fleetSecret), Encoding.UTF8.GetBytes("posops-device-key:" + deviceId));
    }
}
