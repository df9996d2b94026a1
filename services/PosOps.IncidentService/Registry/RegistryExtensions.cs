using Marten;
using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.Registry;

public static class RegistryExtensions
{
    /// <summary>The device registry document and its file import.</summary>
    public static IHostApplicationBuilder AddRegistry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<RegistryOptions>(RegistryOptions.Section);
        builder.Services.AddSingleton<RegistryChanges>();
        builder.Services.AddHostedService<RegistryImporter>();
        builder.Services.ConfigureMarten(options => 
        {
            options.Schema.For<DeviceRegistration>().Index(d => d.StoreId);
            options.Schema.For<StoreRegistration>();
        });
        return builder;
    }
}
