using Marten;

namespace PosOps.IncidentService.Audit;

public static class AuditExtensions
{
    /// <summary>The per-stream hash chain (schema objects), history reads, time travel and verification.</summary>
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.ConfigureMarten(HashChainSchema.Register);
        builder.Services.AddSingleton<EventHistory>();
        builder.Services.AddSingleton<TimeTravel>();
        builder.Services.AddSingleton<StreamVerifier>();
        return builder;
    }
}
