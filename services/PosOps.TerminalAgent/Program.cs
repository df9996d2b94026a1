using Microsoft.Extensions.Options;
using PosOps.TerminalAgent;
using PosOps.TerminalAgent.Simulation;
using PosOps.TerminalAgent.Terminals;

// --export-registry <file>: write the (simulated) fleet's device registry for IncidentService and exit.
var export = Array.IndexOf(args, "--export-registry");
var app = TerminalAgentApp.Build(export >= 0 ? [.. args.Where((_, i) => i != export && i != export + 1)] : args);
if (export >= 0)
{
    if (export + 1 >= args.Length)
    {
        await Console.Error.WriteLineAsync("--export-registry needs a file path");
        return 2;
    }

    await TerminalAgentApp.ExportRegistryAsync(app, args[export + 1]);
    Console.WriteLine($"wrote the device registry of {app.Services.GetRequiredService<TerminalFleet>().Terminals.Count} terminals to {args[export + 1]}");
    return 0;
}

var simulate = app.Services.GetRequiredService<IOptions<SimulationOptions>>().Value.Enabled;
if (!simulate && app.Services.GetRequiredService<IOptions<AgentOptions>>().Value.Devices.Count == 0)
{
    await Console.Error.WriteLineAsync("PosOps.TerminalAgent: no terminals. Configure Agent:Devices (id, store, model, serial, key, interfaces) or run with --simulate.");
    return 2;
}

await app.RunAsync();
return 0;
