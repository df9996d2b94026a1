using PosOps.TerminalAgent;
using PosOps.TerminalAgent.Simulation;

using var host = TerminalAgentApp.Build(args);
if (!host.Services.GetRequiredService<IConfiguration>().GetValue<bool>($"{SimulationOptions.Section}:Enabled"))
{
    // Real probes (/sys/class/net, power supply) and the durable outbox arrive with the agent issue.
    await Console.Error.WriteLineAsync("PosOps.TerminalAgent: only simulation mode exists yet; run with --simulate (options under Agent:Simulation).");
    return 2;
}

await host.RunAsync();
return 0;
