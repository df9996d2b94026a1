using PosOps.Contracts.Agent;

namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>Agent messages as a terminal would send them.</summary>
public static class Messages
{
    public static string NewDeviceId(string store = "S01") => $"{store}-T{Random.Shared.Next(100_000, 999_999)}";

    public static FaultReported Fault(string deviceId, long sequence, string component = "printer", string code = "PAPER_OUT") =>
        new(Guid.CreateVersion7(), deviceId, deviceId.Split('-')[0], sequence, component, code, DateTimeOffset.UtcNow, "integration test");

    public static FaultCleared Cleared(string deviceId, long sequence, string component = "printer", string code = "PAPER_OUT") =>
        new(Guid.CreateVersion7(), deviceId, deviceId.Split('-')[0], sequence, component, code, DateTimeOffset.UtcNow);

    public static Heartbeat Heartbeat(string deviceId, long sequence, string? printerFault = null) =>
        new(Guid.CreateVersion7(), deviceId, deviceId.Split('-')[0], sequence,
            [
                new ComponentHealth("display", ComponentStatus.Ok),
                printerFault is null ? new ComponentHealth("printer", ComponentStatus.Ok) : new ComponentHealth("printer", ComponentStatus.Faulted, printerFault),
            ],
            new NetworkState("wifi", 64), "4.2.0", "android-12", 0, DateTimeOffset.UtcNow);
}
