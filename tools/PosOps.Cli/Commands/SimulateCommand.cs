using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace PosOps.Cli.Commands;

/// <summary>
/// <c>posops simulate</c>: runs the TerminalAgent's simulated fleet (<c>PosOps.TerminalAgent --simulate</c>)
/// as a child process; options become its <c>Agent:Simulation:*</c> settings, anything after <c>--</c>
/// is passed through unchanged (e.g. <c>-- --Agent:Store:Path=/tmp/agent.db</c>).
/// </summary>
public static class SimulateCommand
{
    public const string AgentVariable = "POSOPS_AGENT";

    public static Command Create(Globals globals)
    {
        var terminals = new Option<int?>("--terminals") { Description = "Simulated terminals (default 50)", HelpName = "n" };
        var stores = new Option<int?>("--stores") { Description = "Stores they are spread over (default 5)", HelpName = "n" };
        var faultEvery = new Option<double?>("--fault-every") { Description = "Mean seconds between background faults; 0 = none (default 5)", HelpName = "seconds" };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: until Ctrl-C)", HelpName = "seconds" };
        var scenario = new Option<FileInfo?>("--scenario") { Description = "Scenario file that scripts faults over time", HelpName = "file" };
        var seed = new Option<int?>("--seed") { Description = "Random seed, for a reproducible run", HelpName = "n" };
        var heartbeat = new Option<int?>("--heartbeat-every") { Description = "Heartbeat interval in seconds (default 15)", HelpName = "seconds" };
        var rabbit = new Option<string>("--rabbitmq") { Description = "AMQP URI of the broker (default: env POSOPS_RABBITMQ or the agent's setting)", HelpName = "uri" };
        var agent = new Option<FileInfo?>("--agent")
        {
            Description = $"PosOps.TerminalAgent.dll to run (env {AgentVariable}; default: the one built in this repository)",
            HelpName = "dll",
        };
        var command = new Command("simulate", "Run a simulated fleet of terminals (the TerminalAgent simulator); Ctrl-C stops")
        {
            terminals, stores, faultEvery, duration, scenario, seed, heartbeat, rabbit, agent,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dll = AgentDll(parse.GetValue(agent));
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(dll);
            start.ArgumentList.Add("--simulate");
            foreach (var token in parse.UnmatchedTokens.Where(t => t != "--"))
            {
                start.ArgumentList.Add(token);
            }

            void Set(string key, object? value)
            {
                if (value is not null)
                {
                    start.Environment["POSOPS__" + key.Replace(":", "__", StringComparison.Ordinal)] = Convert.ToString(value, CultureInfo.InvariantCulture);
                }
            }

            Set("Agent:Simulation:Terminals", parse.GetValue(terminals));
            Set("Agent:Simulation:Stores", parse.GetValue(stores));
            Set("Agent:Simulation:FaultEverySeconds", parse.GetValue(faultEvery));
            Set("Agent:Simulation:DurationSeconds", parse.GetValue(duration));
            Set("Agent:Simulation:ScenarioFile", parse.GetValue(scenario)?.FullName);
            Set("Agent:Simulation:Seed", parse.GetValue(seed));
            Set("Agent:HeartbeatIntervalSeconds", parse.GetValue(heartbeat));
            Set("RabbitMq:Uri", parse.GetValue(rabbit));

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start dotnet {dll}");
            process.OutputDataReceived += (_, e) => Forward(globals.Console.Out, e.Data);
            process.ErrorDataReceived += (_, e) => Forward(globals.Console.Error, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: let the agent finish what it is publishing, then stop.
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                return ExitCodes.Ok;
            }

            return process.ExitCode switch
            {
                0 => ExitCodes.Ok,
                2 => ExitCodes.Usage,
                _ => ExitCodes.Failure,
            };
        });
        return command;
    }

    private static void Forward(TextWriter writer, string? line)
    {
        if (line is not null)
        {
            lock (writer)
            {
                writer.WriteLine(line);
            }
        }
    }

    /// <summary>--agent, POSOPS_AGENT, or the agent built next to this repository's CLI (Release first).</summary>
    private static string AgentDll(FileInfo? given)
    {
        if (given is not null)
        {
            return given.Exists ? given.FullName : throw new UsageException($"--agent: {given.FullName} does not exist");
        }

        if (Environment.GetEnvironmentVariable(AgentVariable) is { Length: > 0 } fromEnvironment)
        {
            return File.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : throw new UsageException($"{AgentVariable}: {fromEnvironment} does not exist");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var configuration in new[] { "Release", "Debug" })
            {
                var dll = Path.Combine(dir.FullName, "services", "PosOps.TerminalAgent", "bin", configuration, "net10.0", "PosOps.TerminalAgent.dll");
                if (File.Exists(dll))
                {
                    return dll;
                }
            }
        }

        throw new UsageException($"the TerminalAgent was not found: build services/PosOps.TerminalAgent, or pass --agent / set {AgentVariable}");
    }
}
