using System.CommandLine;
using System.Text.Json;
using PosOps.Cli.Api;
using PosOps.Cli.Output;
using Spectre.Console;

namespace PosOps.Cli.Commands;

/// <summary><c>posops devices [id]</c>: the fleet's last known health, or one device.</summary>
public static class DevicesCommand
{
    private static readonly Column[] Columns =
    [
        Column.Of("device", "deviceId"),
        Column.Of("store", "storeId"),
        new("status", row => Json.Text(row, "status", "state"), Rendering.StatusStyle),
        Column.Of("network", "health.network.mode", "network.mode"),
        new("faults", Faults),
        Column.TimeOf("last heartbeat (device)", "lastHeartbeatAt"),
        Column.TimeOf("last seen (server)", "lastSeenAt"),
    ];

    public static Command Create(Globals globals)
    {
        var id = new Argument<string?>("device-id") { Description = "Show one device (with its registry info)", Arity = ArgumentArity.ZeroOrOne };
        var store = new Option<string>("--store") { Description = "Only this store's devices", HelpName = "store-id" };
        var status = new Option<string>("--status") { Description = "Only devices in this trading status: ok, degraded, down or silent", HelpName = "status" };
        var format = Globals.FormatOption(OutputFormat.Table, OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv);
        var command = new Command("devices", "List devices with their last known health, or show one") { id, store, status, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var api = globals.Api(parse);
            var output = globals.Format(parse, format);
            if (parse.GetValue(id) is { } deviceId)
            {
                var device = await api.GetJsonAsync($"/api/devices/{PosOpsApi.Segment(deviceId)}", cancellationToken);
                if (output == OutputFormat.Table)
                {
                    globals.Console.Screen.Write(new Panel(Rendering.Properties(device)).Header(Markup.Escape(deviceId)));
                }
                else if (output == OutputFormat.Json)
                {
                    await globals.Console.Out.WriteLineAsync(Json.Serialize(device));
                }
                else
                {
                    Rendering.Write(globals.Console, output, [device], Columns);
                }

                return ExitCodes.Ok;
            }

            var storeId = parse.GetValue(store);
            var answer = await api.GetJsonAsync(PosOpsApi.Path("/api/devices", ("store", storeId), ("storeId", storeId), ("status", parse.GetValue(status))), cancellationToken);
            var rows = Json.Items(answer, "devices");
            Rendering.Write(globals.Console, output, rows, Columns, "devices");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Faults(JsonElement row)
    {
        if (Json.At(row, "health.components") is not { ValueKind: JsonValueKind.Array } components)
        {
            return Json.Text(row, "faults");
        }

        return string.Join(' ', components.EnumerateArray()
            .Where(c => Json.Text(c, "status") is { Length: > 0 } s && s != "ok")
            .Select(c => Json.Text(c, "code") is { Length: > 0 } code ? code : Json.Text(c, "component")));
    }
}
