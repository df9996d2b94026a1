using System.CommandLine;
using System.Text.Json;
using PosOps.Cli.Api;
using PosOps.Cli.Output;
using Spectre.Console;

namespace PosOps.Cli.Commands;

/// <summary><c>posops verify device</c>: checks the device stream's hash chain; exit 1 when it is broken.</summary>
public static class VerifyCommand
{
    public static Command Create(Globals globals)
    {
        var ids = new Argument<string[]>("device-id") { Description = "Devices whose event streams to verify", Arity = ArgumentArity.OneOrMore };
        var format = Globals.FormatOption(OutputFormat.Table, OutputFormat.Table, OutputFormat.Json);
        var command = new Command("verify", "Verify the hash chain over a device's events (exit 1 if any chain is broken)") { ids, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var api = globals.Api(parse);
            var results = new List<JsonElement>();
            foreach (var deviceId in parse.GetValue(ids)!)
            {
                results.Add(await api.GetJsonAsync($"/api/devices/{PosOpsApi.Segment(deviceId)}/verify", cancellationToken));
            }

            var json = globals.Format(parse, format) == OutputFormat.Json;
            if (json)
            {
                await globals.Console.Out.WriteLineAsync(Json.Serialize(results.Count == 1 ? results[0] : results));
            }

            var broken = 0;
            foreach (var result in results)
            {
                var valid = Json.At(result, "valid") is { ValueKind: JsonValueKind.True };
                broken += valid ? 0 : 1;
                if (json)
                {
                    continue;
                }

                var stream = Markup.Escape(Json.Text(result, "streamId", "deviceId"));
                var count = Json.Text(result, "events");
                globals.Console.Screen.MarkupLine(valid
                    ? $"[green]valid[/]   {stream}: {count} events, hash chain intact"
                    : $"[red]BROKEN[/]  {stream}: {count} events, first broken at version {Markup.Escape(Json.Text(result, "firstBrokenVersion"))}: {Markup.Escape(Json.Text(result, "reason"))}");
            }

            return broken == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}
