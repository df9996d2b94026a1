using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Remediation;

public static class RemediationExtensions
{
    /// <summary>Commands to terminals: sent after commit, through the after-commit publisher's sender port.</summary>
    public static IHostApplicationBuilder AddRemediation(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<AgentCommandPublisher>();
        builder.Services.AddSingleton<ICommittedMessageSender>(services => services.GetRequiredService<AgentCommandPublisher>());
        return builder;
    }
}
