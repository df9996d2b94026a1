using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PosOps.Contracts;

namespace PosOps.IntegrationTests.AgentInbox;

/// <summary>
/// Through the real broker: signed messages that break the contract, or name another store than the
/// registry's, land in the error queue with their reason; the device's good messages still count.
/// </summary>
public sealed class StrictWireTests(TestServers servers) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    [Fact]
    public async Task GivenSignedHostileMessagesFromARegisteredDevice_ThenEachIsRejectedWithItsReason_AndTheGoodFaultIsRecorded()
    {
        var deviceId = Messages.NewDeviceId("S01");
        await System.Agent.EnsureRegisteredAsync(deviceId);
        (string Reason, Func<JsonObject, JsonObject> Change)[] hostile =
        [
            ("storeId 'S02' does not match the device registry", m => { m["storeId"] = "S02"; return m; }),
            ("'firmware' could not be mapped", m => { m["firmware"] = "1.0"; return m; }),
            ("must be RFC 3339", m => { m["occurredAt"] = "2026-11-25T09:15:04"; return m; }),
            ("unknown component 'toaster'", m => { m["component"] = "toaster"; return m; }),
        ];

        var sequence = 1L;
        foreach (var (_, change) in hostile)
        {
            await PublishSignedAsync(deviceId, sequence++, change);
        }

        await System.Agent.PublishAsync(Messages.Fault(deviceId, sequence), default);

        await Wait.UntilAsync(async () => (await System.Api.GetAsync($"/api/devices/{deviceId}/events")).IsSuccessStatusCode, TimeSpan.FromSeconds(20), "the good fault");
        var rejected = await System.DrainErrorQueueAsync(hostile.Length, TimeSpan.FromSeconds(10));
        var reasons = rejected.Select(m => Encoding.UTF8.GetString((byte[])m.BasicProperties.Headers![WireNames.ReasonHeader]!)).ToList();
        Assert.Equal(hostile.Length, reasons.Count);
        Assert.All(hostile, h => Assert.Contains(reasons, r => r.Contains(h.Reason, StringComparison.Ordinal)));
        Assert.Equal(["fault_detected", "incident_opened"], await System.StreamEventTypesAsync(deviceId));
    }

    private async Task PublishSignedAsync(string deviceId, long sequence, Func<JsonObject, JsonObject> change)
    {
        var fault = Messages.Fault(deviceId, sequence);
        var json = (JsonObject)JsonNode.Parse(JsonSerializer.Serialize(fault, WireJson.Options))!;
        var body = Encoding.UTF8.GetBytes(change(json).ToJsonString());
        var signature = PosOps.ServiceDefaults.Messaging.AgentSignature.Sign(TestAgent.KeyFor(deviceId), deviceId, sequence, body);
        await System.Agent.PublishRawAsync(WireNames.FaultExchange, deviceId, AgentMessageTypes.FaultReported, fault.MessageId, body, default, signature);
    }
}
