using PosOps.ServiceDefaults;
using PosOps.ServiceDefaults.Configuration;
using PosOps.TerminalAgent.Publishing;
using PosOps.TerminalAgent.Simulation;

namespace PosOps.TerminalAgent;

/// <summary>Builds the agent host; Program.cs runs it, and tests host it in-process.</summary>
public static class TerminalAgentApp
{
    public static IHost Build(string[] args, Action<HostApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var simulate = args.Contains("--simulate", StringComparer.Ordinal);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [.. args.Where(a => a != "--simulate")],
            ApplicationName = typeof(TerminalAgentApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddServiceDefaults();
        if (simulate)
        {
            builder.Configuration[$"{SimulationOptions.Section}:Enabled"] = "true";
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AgentPublisher>();
        builder.Services.AddValidatedOptions<SimulationOptions>(SimulationOptions.Section);
        builder.Services.AddHostedService<FleetSimulator>();
        configure?.Invoke(builder);
        return builder.Build();
    }
}
