using System.CommandLine;
using PosOps.Cli.Api;
using PosOps.Cli.Commands;

namespace PosOps.Cli;

/// <summary>The <c>posops</c> command tree; Program.cs runs it on the console, tests run it in-process.</summary>
public static class PosOpsCli
{
    public const string ExitCodeHelp =
        "Exit codes: 0 ok, 1 failure (e.g. verify found a broken chain, the API refused), 2 usage error, 3 cannot reach the API or credentials refused.";

    public static RootCommand Build(CliConsole console)
    {
        var globals = new Globals(console);
        var root = new RootCommand($"posops: the PosOps fleet and incident tool (API at --url, key from --api-key).\n{ExitCodeHelp}")
        {
            globals.Url,
            globals.ApiKey,
            globals.Json,
            DevicesCommand.Create(globals),
            IncidentsCommand.Create(globals),
            IncidentsCommand.Action(globals, "ack", "acknowledge", "Acknowledge an incident (take it)"),
            IncidentsCommand.Action(globals, "resolve", "resolve", "Resolve an incident; the follow-up check verifies it later"),
            ReplayCommand.Create(globals),
            ExportCommand.Create(globals),
            VerifyCommand.Create(globals),
            TailCommand.Create(globals),
            SimulateCommand.Create(globals),
            ErrorsCommand.Create(globals),
        };
        return root;
    }

    /// <summary>Parses and runs one command line; never throws for API or usage trouble, it returns the exit code.</summary>
    /// <param name="handleSignals">Let Ctrl-C cancel the running command (the real process); off in tests.</param>
    public static async Task<int> RunAsync(string[] args, CliConsole console, bool handleSignals = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(console);
        var parse = Build(console).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await console.Error.WriteLineAsync($"posops: {error.Message}");
            }

            await console.Error.WriteLineAsync("Run 'posops --help' (or 'posops <command> --help') for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(
                new InvocationConfiguration
                {
                    Output = console.Out,
                    Error = console.Error,
                    EnableDefaultExceptionHandler = false,
                    ProcessTerminationTimeout = handleSignals ? TimeSpan.FromSeconds(2) : null,
                },
                cancellationToken);
        }
        catch (ApiException e)
        {
            await console.Error.WriteLineAsync($"posops: {e.Message}");
            return e.ExitCode;
        }
        catch (UsageException e)
        {
            await console.Error.WriteLineAsync($"posops: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
    }
}
