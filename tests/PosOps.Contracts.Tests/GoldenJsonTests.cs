using System.Text.Json;
using System.Text.Json.Nodes;
using PosOps.Contracts.Agent;
using PosOps.Contracts.Commands;
using PosOps.Contracts.Incidents;

namespace PosOps.Contracts.Tests;

/// <summary>
/// The examples under shared/PosOps.Contracts/Examples are what agents in other languages copy.
/// Each must read into its record and write back to the same JSON, so the documentation cannot drift.
/// </summary>
public class GoldenJsonTests
{
    public static TheoryData<string, Type> Examples => new()
    {
        { "heartbeat.json", typeof(Heartbeat) },
        { "fault-reported.json", typeof(FaultReported) },
        { "fault-cleared.json", typeof(FaultCleared) },
        { "network-switched.json", typeof(NetworkSwitched) },
        { "command-result.json", typeof(CommandResult) },
        { "offline-transactions.json", typeof(OfflineTransactionsUploaded) },
        { "command.json", typeof(AgentCommand) },
        { "incident-opened.json", typeof(IncidentOpened) },
        { "incident-resolved.json", typeof(IncidentResolved) },
        { "store-outage-detected.json", typeof(StoreOutageDetected) },
        { "store-outage-resolved.json", typeof(StoreOutageResolved) },
        { "platform-outage-detected.json", typeof(PlatformOutageDetected) },
        { "platform-outage-resolved.json", typeof(PlatformOutageResolved) },
    };

    private static string Example(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", name));

    [Theory]
    [MemberData(nameof(Examples))]
    public void GivenTheDocumentedExample_WhenReadAndWrittenBack_ThenTheJsonIsUnchanged(string file, Type type)
    {
        var json = Example(file);

        var message = JsonSerializer.Deserialize(json, type, WireJson.Options);
        var written = JsonSerializer.Serialize(message, type, WireJson.Options);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(written)), $"{file} round-trips to {written}");
    }

    [Fact]
    public void GivenAFault_WhenWritten_ThenNamesAreCamelCaseAndTheDeviceOffsetIsKept()
    {
        var fault = new FaultReported(Guid.Parse("0192f3a0-7b1c-7c00-8a00-000000000002"), "S03-T002", "S03", 1043, "printer", "PAPER_OUT",
            new DateTimeOffset(2026, 11, 25, 9, 15, 4, TimeSpan.FromHours(8)));

        var json = JsonNode.Parse(JsonSerializer.Serialize(fault, WireJson.Options))!.AsObject();

        Assert.Equal(["messageId", "deviceId", "storeId", "sequence", "component", "code", "occurredAt"], json.Select(p => p.Key));
        Assert.Equal("2026-11-25T09:15:04+08:00", json["occurredAt"]!.GetValue<string>());
    }

    [Fact]
    public void GivenSeverity_WhenWritten_ThenItIsACamelCaseString()
    {
        Assert.Equal("\"blocking\"", JsonSerializer.Serialize(Severity.Blocking, WireJson.Options));
        Assert.Equal("\"faulted\"", JsonSerializer.Serialize(ComponentStatus.Faulted, WireJson.Options));
    }

    [Fact]
    public void GivenAHeartbeatWithoutDeviceId_WhenRead_ThenItFailsNamingTheField()
    {
        var json = JsonNode.Parse(Example("heartbeat.json"))!.AsObject();
        json.Remove("deviceId");

        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Heartbeat>(json.ToJsonString(), WireJson.Options));

        Assert.Contains("deviceId", error.Message, StringComparison.Ordinal);
    }
}
