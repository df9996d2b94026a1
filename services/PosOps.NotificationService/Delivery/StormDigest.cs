using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PosOps.NotificationService.Delivery;

/// <summary>Many alerts on one route within a window, told once: "37 terminals at 5 stores: WIFI_DOWN".</summary>
public static class StormDigest
{
    public static Alert Summarize(string route, string digestKey, IReadOnlyList<Alert> held, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(held);
        var devices = held.Select(a => a.DeviceId).Where(d => d != "*").Distinct().Order(StringComparer.Ordinal).ToList();
        var stores = held.Select(a => a.StoreId).Where(s => s != "*").Distinct().Order(StringComparer.Ordinal).ToList();
        var faults = held.GroupBy(a => a.FaultCode).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var what = string.Join(", ", faults.Take(3).Select(g => g.Key)) + (faults.Count > 3 ? $" and {(faults.Count - 3).ToString(CultureInfo.InvariantCulture)} more" : "");
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{devices.Count} terminals at {stores.Count} stores: {what} ({held.Count} alerts on route {route} held as one digest)");
        var detail = string.Join('\n', held.Take(50).Select(a => $"{a.DeviceId} {a.FaultCode} {a.Kind}")) + (held.Count > 50 ? $"\n… {(held.Count - 50).ToString(CultureInfo.InvariantCulture)} more" : "");
        var worst = held.Max(a => a.Severity);
        return new Alert(DigestId(digestKey), Alert.DigestKind, Guid.Empty, "*", stores.Count == 1 ? stores[0] : "*",
            faults.Count == 1 ? held[0].Component : null, faults[0].Key, worst, text, held.Min(a => a.OccurredAt), now)
        {
            Detail = detail,
            DeviceIds = devices,
            StoreIds = stores,
        };
    }

    /// <summary>A stable id per digest, so a digest retried after a crash is the same alert.</summary>
    public static Guid DigestId(string digestKey) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes("posops-digest:" + digestKey)).AsSpan(0, 16));
}
