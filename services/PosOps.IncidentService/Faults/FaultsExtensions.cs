using PosOps.IncidentService.AgentInbox;

namespace PosOps.IncidentService.Faults;

public static class FaultsExtensions
{
    /// <summary>Fault and clear edges, network switches and command results from the agents' fault queue.</summary>
    public static IHostApplicationBuilder AddFaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<FaultBatchHandler>();
        builder.Services.AddAgentQueueConsumer<FaultBatchHandler>();
        return builder;
    }
}
