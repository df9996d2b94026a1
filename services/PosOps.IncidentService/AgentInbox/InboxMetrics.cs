using System.Diagnostics.Metrics;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>Counters for agent ingestion, on the service's meter.</summary>
public sealed class InboxMetrics
{
    public const string MeterName = "PosOps.IncidentService";
    private readonly Counter<long> handled;
    private readonly Counter<long> rejected;

    public InboxMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        handled = meter.CreateCounter<long>("posops.agent_messages.handled", description: "Agent messages committed");
        rejected = meter.CreateCounter<long>("posops.agent_messages.rejected", description: "Agent messages sent to the error queue");
    }

    public void Handled(string queue, int count) => handled.Add(count, new KeyValuePair<string, object?>("queue", queue));

    public void Rejected(string queue) => rejected.Add(1, new KeyValuePair<string, object?>("queue", queue));
}
