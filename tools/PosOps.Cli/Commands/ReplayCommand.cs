using System.CommandLine;
using PosOps.Cli.Api;
using PosOps.Cli.Output;
using Spectre.Console;

namespace PosOps.Cli.Commands;

/// <summary>
/// <c>posops replay device --at T</c>: the device's history up to an instant and its state as of then
/// (GET /api/devices/{id}/events and /state?at=), for auditors.
/// </summary>
public static class ReplayCommand
{
    public static Command Create(Globals globals)
    {
        var id = new Argument<string>("device-id") { Description = "The device whose history to replay" };
        var at = new Option<DateTimeOffset?>("--at") { Description = "Replay up to this instant (ISO 8601, e.g. 2026-11-25T09:30:00Z) and show the state then", HelpName = "time" };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Only events recorded from this instant", HelpName = "time" };
        var type = new Option<string>("--type") { Description = "Only events of this type", HelpName = "event-type" };
        var format = Globals.FormatOption(OutputFormat.Table, OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv);
        var command = new Command("replay", "Replay a device's event history, and its state as of --at") { id, at, from, type, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var api = globals.Api(parse);
            var deviceId = parse.GetValue(id)!;
            var until = parse.GetValue(at);
            var events = await DeviceEvents.ReadAsync(api, deviceId, parse.GetValue(from), until, parse.GetValue(type), cancellationToken);
            var state = until is { } instant
                ? await api.GetJsonAsync(PosOpsApi.Path($"/api/devices/{PosOpsApi.Segment(deviceId)}/state", ("at", DeviceEvents.Iso(instant))), cancellationToken)
                : (System.Text.Json.JsonElement?)null;
            switch (globals.Format(parse, format))
            {
                case OutputFormat.Json:
                    await globals.Console.Out.WriteLineAsync(Json.Serialize(new { deviceId, at = until, state = state is { } s ? Json.At(s, "state") ?? s : (object?)null, events }));
                    break;
                case OutputFormat.Csv:
                    Rendering.WriteCsv(globals.Console.Out, events, DeviceEvents.Columns);
                    break;
                default:
                    Rendering.Write(globals.Console, OutputFormat.Table, events, DeviceEvents.TableColumns, $"{deviceId} history{(until is null ? "" : $" up to {DeviceEvents.Iso(until)}")}");
                    if (state is { } shown)
                    {
                        var header = $"state of {deviceId} at {DeviceEvents.Iso(until)} (version {Json.Text(shown, "version")})";
                        globals.Console.Screen.Write(new Panel(Rendering.Properties(Json.At(shown, "state") ?? shown)).Header(Markup.Escape(header)));
                    }

                    break;
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
