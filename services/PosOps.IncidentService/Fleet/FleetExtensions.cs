using JasperFx.Events.Projections;
using Marten;

namespace PosOps.IncidentService.Fleet;

public static class FleetExtensions
{
    /// <summary>The DeviceStatus projection (inline, so the overview is current right after a commit).</summary>
    public static IHostApplicationBuilder AddFleet(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.ConfigureMarten(options =>
        {
            options.Projections.Add(new DeviceStatusProjection(), ProjectionLifecycle.Inline);
            options.Schema.For<DeviceStatus>().Index(s => s.StoreId);
        });
        return builder;
    }
}
