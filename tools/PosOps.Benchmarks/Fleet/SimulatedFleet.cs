using System.Text.Json;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace PosOps.Benchmarks.Fleet;

/// <summary>
/// The terminals of the fleet benchmark: ids (10 per store), keys, one sequence per device, and what each
/// one reports. Sequences start at the process's start in microseconds, so a later step's process always
/// continues above an earlier one's marks for the same device.
/// </summary>
public sealed class SimulatedFleet
{
    public const int TerminalsPerStore = 10;
    public const string FleetSecret = "posops-bench-fleet";

    private readonly long[] sequences;
    private readonly byte[][] keys;
    private readonly string[] ids;
    private readonly string[] stores;
    private readonly string?[] faults;

    public SimulatedFleet(int count)
    {
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        sequences = [.. Enumerable.Repeat(start, count)];
        ids = [.. Enumerable.Range(0, count).Select(Id)];
        stores = [.. Enumerable.Range(0, count).Select(Store)];
        keys = [.. ids.Select(id => AgentSignature.DeriveDeviceKey(FleetSecret, id))];
        faults = new string?[count];
    }

    public int Count => ids.Length;

    public static string Id(int d) => $"{Store(d)}-T{d % TerminalsPerStore:00}";

    public static string Store(int d) => $"S{d / TerminalsPerStore:00000}";

    public string DeviceId(int d) => ids[d];

    /// <summary>The store of a device id of this fleet ("S00042-T03" → "S00042").</summary>
    public static string StoreOf(string deviceId) => deviceId[..deviceId.IndexOf('-', StringComparison.Ordinal)];

    /// <summary>What the device's heartbeats show as faulted (null: healthy).</summary>
    public void SetFault(int d, string? code) => Volatile.Write(ref faults[d], code);

    public Heartbeat Heartbeat(int d, DateTimeOffset now)
    {
        var code = Volatile.Read(ref faults[d]);
        ComponentHealth network = code == "WIFI_DOWN" ? new("network", ComponentStatus.Faulted, code) : new("network", ComponentStatus.Ok);
        ComponentHealth printer = code == "PAPER_OUT" ? new("printer", ComponentStatus.Faulted, code) : new("printer", ComponentStatus.Ok);
        return new(Guid.CreateVersion7(now), ids[d], stores[d], Interlocked.Increment(ref sequences[d]),
            [new ComponentHealth("display", ComponentStatus.Ok), printer, network], new NetworkState("wifi", 64), "4.2.0", "android-12", 0, now);
    }

    public FaultReported Fault(int d, string component, string code, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), ids[d], stores[d], Interlocked.Increment(ref sequences[d]), component, code, now, "fleet benchmark");

    public FaultCleared Cleared(int d, string component, string code, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), ids[d], stores[d], Interlocked.Increment(ref sequences[d]), component, code, now);

    /// <summary>Signed as a foreign agent would sign it; heartbeats transient, edges persistent and mandatory.</summary>
    public Task PublishAsync(IChannel channel, int d, IAgentMessage message, CancellationToken cancellationToken)
    {
        var type = AgentExchanges.TypeOf(message);
        var body = JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), WireJson.Options);
        var edge = message is not PosOps.Contracts.Agent.Heartbeat;
        var properties = new BasicProperties
        {
            Type = type,
            MessageId = message.MessageId.ToString(),
            ContentType = "application/json",
            Persistent = edge,
            Headers = new Dictionary<string, object?> { [WireNames.SignatureHeader] = AgentSignature.Sign(keys[d], ids[d], message.Sequence, body) },
        };
        return channel.BasicPublishAsync(AgentExchanges.For(type), ids[d], mandatory: edge, properties, body, cancellationToken).AsTask();
    }
}
