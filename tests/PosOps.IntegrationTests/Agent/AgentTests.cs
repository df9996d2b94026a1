using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PosOps.Contracts;
using PosOps.Contracts.Commands;

namespace PosOps.IntegrationTests.Agent;

/// <summary>The real agent (simulated probes only) against the real IncidentService, broker and database.</summary>
public sealed class AgentTests(TestServers servers) : SystemTest(servers)
{
    private const string Terminal = "S01-T001";

    protected override bool WithNotifications => false;

    private async Task<RunningAgent> StartAgentAsync(int terminals = 2)
    {
        for (var i = 1; i <= terminals; i++)
        {
            await System.Agent.EnsureRegisteredAsync($"S01-T{i:000}");
        }

        return await RunningAgent.StartAsync(System.Environment.RabbitMqUri, terminals: terminals);
    }

    private Task<List<JsonElement>> EventsAsync(string deviceId) => System.EventsAsync(deviceId);

    private async Task<JsonElement> WaitForEventAsync(string deviceId, string type, Func<JsonElement, bool>? match = null, int seconds = 30)
    {
        JsonElement found = default;
        await Wait.UntilAsync(async () =>
        {
            var hit = (await EventsAsync(deviceId)).FirstOrDefault(e => e.GetProperty("type").GetString() == type && (match?.Invoke(e.GetProperty("data")) ?? true));
            found = hit;
            return hit.ValueKind != JsonValueKind.Undefined;
        }, TimeSpan.FromSeconds(seconds), $"{type} on {deviceId}");
        return found.GetProperty("data");
    }

    [Fact]
    public async Task GivenTheAgent_WhenThePrinterRunsOutOfPaper_ThenASignedFaultOpensAnIncident_AndMendingItResolvesIt()
    {
        await using var agent = await StartAgentAsync();

        agent.Hardware(Terminal).Fail("printer", "PAPER_OUT");
        await WaitForEventAsync(Terminal, "incident_opened");
        agent.Hardware(Terminal).Mend("printer");

        await WaitForEventAsync(Terminal, "incident_resolved");
        await Wait.UntilAsync(async () => (await System.Api.GetAsync($"/api/devices/{Terminal}")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "a heartbeat");
        var device = await System.GetJsonAsync($"/api/devices/{Terminal}");
        Assert.Equal("wifi", device.GetProperty("health").GetProperty("network").GetProperty("mode").GetString());
    }

    [Fact]
    public async Task GivenWifiDrops_ThenTheTerminalFailsOverToCellular_AndFailsBackOnlyAfterWifiStayedUp()
    {
        await using var agent = await StartAgentAsync();

        agent.Hardware(Terminal).SetLink("wifi", false);
        var failover = await WaitForEventAsync(Terminal, "network_switched");
        Assert.Equal(("wifi", "cellular", "failover"), (failover.GetProperty("from").GetString(), failover.GetProperty("to").GetString(), failover.GetProperty("reason").GetString()));
        await WaitForEventAsync(Terminal, "fault_detected", d => d.GetProperty("faultCode").GetString() == "WIFI_DOWN");

        agent.Hardware(Terminal).SetLink("wifi", true);
        var wifiBack = DateTimeOffset.UtcNow;
        var failback = await WaitForEventAsync(Terminal, "network_switched", d => d.GetProperty("reason").GetString() == "failback");

        Assert.Equal("wifi", failback.GetProperty("to").GetString());
        Assert.True(failback.GetProperty("occurredAt").GetDateTimeOffset() - wifiBack >= TimeSpan.FromSeconds(2.5), "failback waited for the hysteresis window");
        Assert.Equal(2, (await EventsAsync(Terminal)).Count(e => e.GetProperty("type").GetString() == "network_switched"));
    }

    [Fact]
    public async Task GivenAnAppCrash_ThenTheRunbookRestartsTheTerminal_AndTheRestartClearsTheFault_AndOpsCanRestartToo()
    {
        await using var agent = await StartAgentAsync();
        agent.Hardware(Terminal).Fail("software", "APP_CRASHED");
        await WaitForEventAsync(Terminal, "incident_opened");

        var restart = await WaitForEventAsync(Terminal, "command_issued", d => d.GetProperty("command").GetString() == "restart");
        Assert.Equal("runbook:software", restart.GetProperty("issuedBy").GetString());
        var answer = await WaitForEventAsync(Terminal, "command_answered", d => d.GetProperty("commandId").GetGuid() == restart.GetProperty("commandId").GetGuid());
        Assert.Equal("succeeded", answer.GetProperty("status").GetString());
        Assert.Contains("APP_CRASHED", answer.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await WaitForEventAsync(Terminal, "incident_resolved");
        var finished = await WaitForEventAsync(Terminal, "runbook_finished");
        Assert.StartsWith("fault cleared", finished.GetProperty("outcome").GetString(), StringComparison.Ordinal);

        var response = await System.Api.PostAsJsonAsync($"/api/devices/{Terminal}/commands", new { kind = "selfTest" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var byOps = await WaitForEventAsync(Terminal, "command_issued", d => d.GetProperty("command").GetString() == "selfTest");
        var opsAnswer = await WaitForEventAsync(Terminal, "command_answered", d => d.GetProperty("commandId").GetGuid() == byOps.GetProperty("commandId").GetGuid());
        Assert.Equal("succeeded", opsAnswer.GetProperty("status").GetString());
    }

    [Fact]
    public async Task GivenAnExpiredCommand_AndAnotherDeliveredTwice_ThenTheFirstIsRefused_AndTheSecondAnsweredOnce()
    {
        await using var agent = await StartAgentAsync();
        var now = DateTimeOffset.UtcNow;
        var expired = new AgentCommand(Guid.CreateVersion7(), Terminal, CommandKind.SelfTest, now.AddMinutes(-5), now.AddMinutes(-1));
        var notice = new AgentCommand(Guid.CreateVersion7(), Terminal, CommandKind.ShowCustomerNotice, now, now.AddMinutes(5),
            NoticeEn: "Card payments are offline - please pay by QR code or cash", NoticeZh: "刷卡暂不可用，请使用扫码或现金支付");

        await PublishCommandAsync(expired);
        await PublishCommandAsync(notice);
        await PublishCommandAsync(notice);

        var refused = await WaitForEventAsync(Terminal, "command_answered", d => d.GetProperty("commandId").GetGuid() == expired.CommandId);
        Assert.Equal("refused", refused.GetProperty("status").GetString());
        Assert.Contains("expired", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await WaitForEventAsync(Terminal, "command_answered", d => d.GetProperty("commandId").GetGuid() == notice.CommandId);
        await Task.Delay(1500);
        Assert.Single(await EventsAsync(Terminal), e => e.GetProperty("type").GetString() == "command_answered" && e.GetProperty("data").GetProperty("commandId").GetGuid() == notice.CommandId);
        Assert.Equal("刷卡暂不可用，请使用扫码或现金支付", agent.Fleet.Find(Terminal)!.Notice!.Chinese);
    }

    [Fact]
    public async Task GivenThePaymentHostIsDown_WhenSalesAreTakenOffline_ThenTheyAreUploadedOnRecovery_AndReconciled()
    {
        await using var agent = await StartAgentAsync();
        agent.Hardware(Terminal).SetPaymentHost(false);
        await WaitForEventAsync(Terminal, "incident_opened", d => d.GetProperty("faultCode").GetString() == "PAYMENT_HOST_UNREACHABLE");
        using var local = agent.Local();
        for (var i = 0; i < 50; i++)
        {
            var recorded = await local.PostAsJsonAsync("/api/offline-transactions",
                new { deviceId = Terminal, transactionId = $"tx-{i:000}", amount = 10.5m + i, currency = "CNY", takenAt = DateTimeOffset.UtcNow });
            Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        }

        var refused = await local.PostAsJsonAsync("/api/offline-transactions", new { deviceId = Terminal, transactionId = "tx-bad", amount = -1m, currency = "CNY", takenAt = DateTimeOffset.UtcNow });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);

        agent.Hardware(Terminal).SetPaymentHost(true);

        var uploaded = await WaitForEventAsync(Terminal, "offline_transactions_uploaded");
        Assert.True(uploaded.GetProperty("reconciled").GetBoolean(), uploaded.GetProperty("reconciliation").GetString());
        Assert.Equal(50, uploaded.GetProperty("count").GetInt32());
        Assert.Equal(50 * 10.5m + (49 * 50 / 2), uploaded.GetProperty("totals")[0].GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task GivenForgedUnsignedAndReplayedMessages_ThenEachIsRejectedWithItsReason_WhileGoodOnesFlow()
    {
        var device = Messages.NewDeviceId();
        var good = Messages.Fault(device, 5000);
        await System.Agent.PublishAsync(good, default);
        await WaitForEventAsync(device, "incident_opened");

        await System.Agent.PublishAsync(Messages.Fault(device, 5001, "display", "DISPLAY_UNRESPONSIVE"), default, signWith: new byte[32]);
        await System.Agent.PublishAsync(Messages.Fault(device, 5002, "keypad", "KEYPAD_UNRESPONSIVE"), default, sign: false);
        await System.Agent.PublishAsync(Messages.Fault(device, 10, "power", "POWER_LOST"), default);
        await System.Agent.PublishAsync(Messages.Fault(Messages.NewDeviceId("S77"), 1), default, signWith: new byte[32]);
        await System.Agent.PublishAsync(Messages.Cleared(device, 5003), default);

        await WaitForEventAsync(device, "incident_resolved");
        var reasons = (await System.DrainErrorQueueAsync(4, TimeSpan.FromSeconds(10)))
            .Select(m => Encoding.UTF8.GetString((byte[])m.BasicProperties.Headers![WireNames.ReasonHeader]!)).ToList();
        Assert.Contains(reasons, r => r.StartsWith("signature does not match", StringComparison.Ordinal));
        Assert.Contains("unsigned message", reasons);
        Assert.Contains(reasons, r => r.StartsWith("replayed: sequence 10", StringComparison.Ordinal));
        Assert.Equal(["fault_detected", "incident_opened", "fault_cleared", "incident_resolved"], await System.StreamEventTypesAsync(device));
    }

    private async Task PublishCommandAsync(AgentCommand command)
    {
        await using var channel = await System.OpenChannelAsync();
        await channel.BasicPublishAsync(WireNames.CommandExchange, command.DeviceId, mandatory: true,
            new RabbitMQ.Client.BasicProperties { Type = AgentMessageTypes.Command, ContentType = "application/json", Persistent = true },
            JsonSerializer.SerializeToUtf8Bytes(command, WireJson.Options));
    }
}
