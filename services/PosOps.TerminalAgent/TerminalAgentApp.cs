using System.Text.Json;
using Microsoft.Extensions.Options;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.ServiceDefaults;
using PosOps.ServiceDefaults.Configuration;
using PosOps.TerminalAgent.OfflineJournal;
using PosOps.TerminalAgent.Outbox;
using PosOps.TerminalAgent.Remediation;
using PosOps.TerminalAgent.Simulation;
using PosOps.TerminalAgent.Terminals;
using PosOps.TerminalAgent.Trust;

namespace PosOps.TerminalAgent;

/// <summary>Builds the agent; Program.cs runs it, and tests host it in-process or as a process.</summary>
public static class TerminalAgentApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var simulate = args.Contains("--simulate", StringComparer.Ordinal);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
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

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddValidatedOptions<AgentOptions>(AgentOptions.Section);
        services.AddValidatedOptions<AgentStoreOptions>(AgentStoreOptions.Section);
        services.AddValidatedOptions<OfflineJournalOptions>(OfflineJournalOptions.Section);
        services.AddValidatedOptions<SimulationOptions>(SimulationOptions.Section);
        services.AddSingleton(sp =>
        {
            var sim = sp.GetRequiredService<IOptions<SimulationOptions>>().Value;
            return sim.Enabled
                ? TerminalFleet.Simulated(sim.Terminals, sim.Stores, sim.Links)
                : TerminalFleet.Real(sp.GetRequiredService<IOptions<AgentOptions>>().Value);
        });
        services.AddSingleton<IDeviceKeys>(sp =>
        {
            var sim = sp.GetRequiredService<IOptions<SimulationOptions>>().Value;
            return sim.Enabled
                ? new DerivedDeviceKeys(sim.FleetSecret)
                : new ConfiguredDeviceKeys(sp.GetRequiredService<IOptions<AgentOptions>>().Value.Devices.ToDictionary(d => d.DeviceId, d => Convert.FromBase64String(d.Key), StringComparer.Ordinal));
        });
        services.AddSingleton(sp => new TerminalObserver(sp.GetRequiredService<IOptions<AgentOptions>>().Value.Policy()));
        services.AddSingleton<AgentStore>();
        services.AddSingleton<AgentOutbox>();
        services.AddSingleton<OfflineJournal.OfflineJournal>();
        services.AddSingleton<CommandExecutor>();
        services.AddSingleton<OutboxPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxPublisher>());
        services.AddHostedService<AgentRuntime>();
        services.AddSingleton<CommandListener>();
        services.AddHostedService(sp => sp.GetRequiredService<CommandListener>());
        if (builder.Configuration.GetValue<bool>($"{SimulationOptions.Section}:Enabled"))
        {
            services.AddHostedService<FleetSimulator>();
        }

        builder.WebHost.UseUrls(builder.Configuration[$"{AgentOptions.Section}:LocalUrl"] ?? new AgentOptions().LocalUrl);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapLocalApi();
        return app;
    }

    /// <summary>
    /// The registry of the simulated fleet for IncidentService to import: devices (id, store, model,
    /// serial, location, key: what vendor support and signature checks need) and stores (ISP line for the
    /// ISP contact step, one spare terminal each for the backup-terminal step, a region for routing).
    /// </summary>
    public static async Task ExportRegistryAsync(WebApplication app, string path)
    {
        ArgumentNullException.ThrowIfNull(app);
        var fleet = app.Services.GetRequiredService<TerminalFleet>();
        var keys = app.Services.GetRequiredService<IDeviceKeys>();
        var entries = fleet.Terminals.Select(t => new DeviceRegistryEntry(t.DeviceId, t.Identity.StoreId, t.Identity.Model, t.Identity.Serial, t.Identity.Location,
            Convert.ToBase64String(keys.KeyFor(t.DeviceId)))).ToList();
        string[] regions = ["east", "south", "north", "west"];
        var stores = fleet.Terminals.Select(t => t.Identity.StoreId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select((store, i) =>
            new StoreRegistryEntry(store, $"Simulated store {store}", regions[i % regions.Length], i % 2 == 0 ? "China Telecom" : "China Unicom", $"LN-{store}-{1000 + i}",
                ["simulated"], [$"{store}-B01"])).ToList();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new FleetRegistry(entries, stores), WireJson.Options));
    }
}
