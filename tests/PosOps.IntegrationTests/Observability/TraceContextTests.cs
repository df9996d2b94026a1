using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using PosOps.Contracts;
using PosOps.ServiceDefaults.Messaging;

namespace PosOps.IntegrationTests.Observability;

/// <summary>W3C trace context leaves the agent in the AMQP headers and IncidentService continues the trace.</summary>
public sealed partial class TraceContextTests(TestServers servers) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    [GeneratedRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-9a-f]$")]
    private static partial Regex TraceParent();

    [Fact]
    public async Task GivenTheRealAgent_WhenItPublishesHeartbeats_ThenEachCarriesAW3CTraceParentHeader()
    {
        await using var channel = await System.OpenChannelAsync();
        await AgentExchanges.DeclareAsync(channel, default);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, WireNames.HeartbeatExchange, "#");
        await using var agent = await RunningAgent.StartAsync(System.Environment.RabbitMqUri, terminals: 1);

        RabbitMQ.Client.BasicGetResult? message = null;
        await Wait.UntilAsync(async () => (message = await channel.BasicGetAsync(queue, autoAck: true)) is not null, TimeSpan.FromSeconds(20), "a heartbeat from the agent");

        var header = Assert.Contains("traceparent", message!.BasicProperties.Headers!);
        var traceParent = header is byte[] bytes ? Encoding.UTF8.GetString(bytes) : header?.ToString();
        Assert.Matches(TraceParent(), traceParent);
    }

    [Fact]
    public async Task GivenTheRealAgent_WhenIncidentServiceReceivesItsMessages_ThenTheDeliveryContinuesTheAgentsTrace()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "PosOps.TerminalAgent" or "RabbitMQ.Client.Subscriber",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await System.RegisterAsync("S01-T001");
        await using var agent = await RunningAgent.StartAsync(System.Environment.RabbitMqUri, terminals: 1);

        await Wait.UntilAsync(() =>
        {
            var published = stopped.Where(a => a.Source.Name == "PosOps.TerminalAgent").Select(a => a.TraceId).ToHashSet();
            return Task.FromResult(stopped.Any(a => a.Source.Name == "RabbitMQ.Client.Subscriber" && a.Kind == ActivityKind.Consumer && published.Contains(a.TraceId)));
        }, TimeSpan.FromSeconds(20), "an IncidentService delivery in the agent's trace");
    }
}
