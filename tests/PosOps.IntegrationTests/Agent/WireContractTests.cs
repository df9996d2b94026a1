using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PosOps.Contracts;
using PosOps.Contracts.Commands;
using PosOps.Contracts.Tests;
using RabbitMQ.Client;

namespace PosOps.IntegrationTests.Agent;

/// <summary>What the real agent puts on the wire matches the AsyncAPI document, body and headers.</summary>
public sealed class WireContractTests(TestServers servers) : SystemTest(servers)
{
    private const string Terminal = "S01-T001";

    protected override bool WithNotifications => false;

    [Fact]
    public async Task GivenTheRealAgent_WhenItReportsFaultsSwitchesUploadsAndAnswers_ThenEveryMessageItPublishesMatchesTheAsyncApiContract()
    {
        await using var channel = await System.OpenChannelAsync();
        var capture = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        foreach (var exchange in new[] { WireNames.HeartbeatExchange, WireNames.FaultExchange, WireNames.TransactionsExchange })
        {
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true);
            await channel.QueueBindAsync(capture, exchange, "#");
        }

        await System.Agent.EnsureRegisteredAsync(Terminal);
        await using var agent = await RunningAgent.StartAsync(System.Environment.RabbitMqUri, terminals: 1);
        var hardware = agent.Hardware(Terminal);
        hardware.Fail("printer", "PAPER_OUT");
        hardware.SetLink("wifi", false);
        hardware.SetPaymentHost(false);
        await Task.Delay(600);
        using (var local = agent.Local())
        {
            (await local.PostAsJsonAsync("/api/offline-transactions", new { deviceId = Terminal, transactionId = "wire-1", amount = 12.5m, currency = "CNY", takenAt = DateTimeOffset.UtcNow })).EnsureSuccessStatusCode();
        }

        hardware.SetPaymentHost(true);
        hardware.Mend("printer");
        var now = DateTimeOffset.UtcNow;
        await channel.BasicPublishAsync(WireNames.CommandExchange, Terminal, mandatory: true,
            new BasicProperties { Type = AgentMessageTypes.Command, ContentType = "application/json", Persistent = true },
            JsonSerializer.SerializeToUtf8Bytes(new AgentCommand(Guid.CreateVersion7(), Terminal, CommandKind.SelfTest, now, now.AddMinutes(1)), WireJson.Options));

        var contract = AsyncApiContract.Current;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        string[] wanted = [AgentMessageTypes.Heartbeat, AgentMessageTypes.FaultReported, AgentMessageTypes.FaultCleared, AgentMessageTypes.NetworkSwitched, AgentMessageTypes.OfflineTransactions, AgentMessageTypes.CommandResult];
        await Wait.UntilAsync(async () =>
        {
            while (await channel.BasicGetAsync(capture, autoAck: true) is { } message)
            {
                var type = message.BasicProperties.Type ?? "(none)";
                seen[type] = seen.GetValueOrDefault(type) + 1;
                var body = Encoding.UTF8.GetString(message.Body.Span);
                problems.AddRange(contract.Validate(type, body).Select(p => $"{type} body: {p} in {body}"));
                var headers = JsonSerializer.Serialize(message.BasicProperties.Headers!.ToDictionary(h => h.Key, h => h.Value is byte[] b ? Encoding.UTF8.GetString(b) : h.Value?.ToString()));
                problems.AddRange(contract.ValidateHeaders(type, headers).Select(p => $"{type} headers: {p} in {headers}"));
            }

            return wanted.All(seen.ContainsKey);
        }, TimeSpan.FromSeconds(30), "every agent message type: " + string.Join(", ", wanted));

        Assert.Empty(problems);
        Assert.All(wanted, t => Assert.True(seen[t] > 0));
    }
}
