using System.Text;
using PosOps.Contracts;

namespace PosOps.IntegrationTests.AgentInbox;

/// <summary>Design principle 7: bad input goes to the error queue with a reason, and the line keeps moving.</summary>
public sealed class BadInputTests(TestServers servers) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    [Fact]
    public async Task GivenMalformedMissingDeviceAndUnknownTypeMessages_ThenEachLandsInTheErrorQueueWithItsReason_AndTheNextGoodFaultIsProcessed()
    {
        var deviceId = Messages.NewDeviceId();
        var noDevice = """{"messageId":"0192f3a0-7b1c-7c00-8a00-0000000000aa","storeId":"S01","sequence":1,"component":"printer","code":"PAPER_OUT","occurredAt":"2026-11-25T09:00:00Z"}""";

        await System.Agent.PublishRawAsync(WireNames.FaultExchange, deviceId, AgentMessageTypes.FaultReported, Guid.NewGuid(), Encoding.UTF8.GetBytes("{\"deviceId\": \"S01-T1\", oops"), default);
        await System.Agent.PublishRawAsync(WireNames.FaultExchange, deviceId, AgentMessageTypes.FaultReported, Guid.NewGuid(), Encoding.UTF8.GetBytes(noDevice), default);
        await System.Agent.PublishRawAsync(WireNames.FaultExchange, deviceId, "firmware-gossip", Guid.NewGuid(), Encoding.UTF8.GetBytes("{}"), default);
        await System.Agent.PublishAsync(Messages.Fault(deviceId, 1), default);

        await Wait.UntilAsync(async () => (await System.Api.GetAsync($"/api/devices/{deviceId}/events")).IsSuccessStatusCode, TimeSpan.FromSeconds(20), "the good fault");
        var rejected = await System.DrainErrorQueueAsync(3, TimeSpan.FromSeconds(10));
        var reasons = rejected.Select(m => Encoding.UTF8.GetString((byte[])m.BasicProperties.Headers![WireNames.ReasonHeader]!)).ToList();
        Assert.Collection(
            reasons,
            r => Assert.StartsWith("malformed fault-reported JSON", r, StringComparison.Ordinal),
            r => Assert.Contains("deviceId", r, StringComparison.Ordinal),
            r => Assert.StartsWith("unknown message type 'firmware-gossip'", r, StringComparison.Ordinal));
        Assert.All(rejected, m => Assert.Equal(WireNames.FaultQueue, Encoding.UTF8.GetString((byte[])m.BasicProperties.Headers![WireNames.SourceQueueHeader]!)));
        Assert.Equal("{\"deviceId\": \"S01-T1\", oops", Encoding.UTF8.GetString(rejected[0].Body.Span));
        Assert.Equal(["fault_detected", "incident_opened"], await System.StreamEventTypesAsync(deviceId));
    }
}
