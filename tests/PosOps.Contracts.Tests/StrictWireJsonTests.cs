using System.Text.Json;
using PosOps.Contracts.Agent;
using PosOps.Contracts.Commands;

namespace PosOps.Contracts.Tests;

/// <summary>
/// <see cref="WireJson.Strict"/> reads every documented example and everything <see cref="WireJson.Options"/>
/// writes (so the agent and foreign agents that follow the examples are not refused), and writes the same bytes.
/// </summary>
public class StrictWireJsonTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 15, 4, 123, TimeSpan.FromHours(8));

    [Theory]
    [MemberData(nameof(GoldenJsonTests.Examples), MemberType = typeof(GoldenJsonTests))]
    public void GivenTheDocumentedExample_WhenReadStrictly_ThenItReadsAndWritesBackAsTheLenientOptionsDo(string file, Type type)
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", file));

        var strict = JsonSerializer.Deserialize(json, type, WireJson.Strict)!;
        var lenient = JsonSerializer.Deserialize(json, type, WireJson.Options)!;

        Assert.Equal(JsonSerializer.Serialize(lenient, type, WireJson.Options), JsonSerializer.Serialize(strict, type, WireJson.Strict));
    }

    public static TheoryData<object> Written =>
    [
        new Heartbeat(Guid.CreateVersion7(), "S03-T002", "S03", 5, [new ComponentHealth("printer", ComponentStatus.Degraded, "PAPER_JAM")], new NetworkState("ethernet"), "4.2.0", "android-12", 0, Now),
        new FaultReported(Guid.CreateVersion7(), "S03-T002", "S03", long.MaxValue, "power", "ON_BATTERY", Now.ToUniversalTime()),
        new CommandResult(Guid.CreateVersion7(), "S03-T002", "S03", 6, Guid.CreateVersion7(), CommandKind.ClearCustomerNotice, CommandStatus.Refused, "expired", 0, Now),
        new OfflineTransactionsUploaded(Guid.CreateVersion7(), "S03-T002", "S03", 7, [new OfflineTransaction("t-1", 0.01m, "USD", Now.AddTicks(1), "r")], [new CurrencyTotal("USD", 1, 0.01m)], Now),
        new AgentCommand(Guid.CreateVersion7(), "S03-T002", CommandKind.SwitchNetwork, Now, Now.AddMinutes(2), Network: "hotspot"),
    ];

    [Theory]
    [MemberData(nameof(Written))]
    public void GivenARecordWrittenByTheAgentsOptions_WhenReadStrictly_ThenItIsTheSameRecord(object record)
    {
        var type = record.GetType();
        var json = JsonSerializer.Serialize(record, type, WireJson.Options);

        var read = JsonSerializer.Deserialize(json, type, WireJson.Strict)!;

        Assert.Equal(json, JsonSerializer.Serialize(read, type, WireJson.Options));
    }

    [Theory]
    [InlineData("{\"kind\":5}")]
    [InlineData("{\"kind\":\"Restart\"}")]
    public void GivenAnEnumAsAnIntegerOrInAnotherCase_WhenReadStrictly_ThenRefused(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<KindOnly>(json, WireJson.Strict));
    }

    [Fact]
    public void GivenAnEnumAsAnInteger_WhenReadWithTheSharedOptions_ThenRefusedThereToo()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<KindOnly>("{\"kind\":5}", WireJson.Options));
    }

    public sealed record KindOnly(CommandKind Kind);
}
