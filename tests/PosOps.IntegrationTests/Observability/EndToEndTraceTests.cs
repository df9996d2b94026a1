using System.Collections.Concurrent;
using System.Diagnostics;
using PosOps.Contracts;

namespace PosOps.IntegrationTests.Observability;

/// <summary>
/// One trace from the terminal to the alert: the agent's publish span, IncidentService applying the
/// fault, the after-commit publish of IncidentOpened (across the event store), and NotificationService
/// consuming it all share one trace id; the stored events carry it as their correlation id.
/// </summary>
public sealed class EndToEndTraceTests(TestServers servers) : SystemTest(servers)
{
    private const string Terminal = "S01-T001";

    [Theory]
    [InlineData("printer")]
    [InlineData("wifi")] // a connectivity alert is held for the store correlation and released later by a timer
    public async Task GivenAFault_WhenItBecomesAnAlert_ThenAgentIncidentServiceAndNotificationServiceSpansShareOneTrace(string failing)
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "PosOps.TerminalAgent" or "PosOps.IncidentService" or "PosOps.NotificationService",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await System.Agent.EnsureRegisteredAsync(Terminal);
        await using var agent = await RunningAgent.StartAsync(System.Environment.RabbitMqUri, terminals: 1);
        await Wait.UntilAsync(async () => (await System.StreamEventTypesAsync(Terminal)).Length > 0 || stopped.Any(a => a.Source.Name == "PosOps.TerminalAgent"),
            TimeSpan.FromSeconds(20), "the agent publishing");

        if (failing == "wifi")
        {
            agent.Hardware(Terminal).SetLink("wifi", false);
        }
        else
        {
            agent.Hardware(Terminal).Fail("printer", "PAPER_OUT");
        }

        Activity? consumed = null;
        try
        {
            await Wait.UntilAsync(() =>
            {
                consumed = stopped.FirstOrDefault(a => a.Source.Name == "PosOps.NotificationService" && a.Kind == ActivityKind.Consumer
                && a.DisplayName == "consume incident-opened");
                return Task.FromResult(consumed is not null);
            }, TimeSpan.FromSeconds(30), "NotificationService consuming IncidentOpened");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; spans seen: {string.Join(", ", stopped.Select(a => $"{a.Source.Name}/{a.Kind}/{a.DisplayName}").Distinct())}", e);
        }

        var trace = consumed!.TraceId;
        var inTrace = stopped.Where(a => a.TraceId == trace).ToList();
        Assert.Contains(inTrace, a => a.Source.Name == "PosOps.TerminalAgent" && a.Kind == ActivityKind.Producer && a.DisplayName.StartsWith(WireNames.FaultExchange, StringComparison.Ordinal));
        Assert.Contains(inTrace, a => a.Source.Name == "PosOps.IncidentService" && a.DisplayName == "apply FaultReported");
        Assert.Contains(inTrace, a => a.Source.Name == "PosOps.IncidentService" && a.DisplayName == "publish IncidentOpened");

        var opened = (await System.EventsAsync(Terminal)).Single(e => e.GetProperty("type").GetString() == "incident_opened");
        Assert.Equal(trace.ToHexString(), opened.GetProperty("correlationId").GetString());
    }
}
