using System.CommandLine;
using System.Text.Json;
using PosOps.Cli.Api;
using PosOps.Cli.Output;
using Spectre.Console;

namespace PosOps.Cli.Commands;

/// <summary><c>posops incidents [id]</c>, <c>posops ack id</c>, <c>posops resolve id</c>.</summary>
public static class IncidentsCommand
{
    public static readonly Column[] Columns =
    [
        Column.Of("id", "id"),
        Column.Of("device", "deviceId"),
        Column.Of("store", "storeId"),
        new("fault", row => $"{Json.Text(row, "component")}/{Json.Text(row, "faultCode")}".Trim('/')),
        new("severity", row => Json.Text(row, "severity"), Rendering.StatusStyle),
        new("status", row => Json.Text(row, "status"), Rendering.StatusStyle),
        Column.TimeOf("opened", "openedAt"),
        Column.Of("acknowledged by", "acknowledgedBy"),
        new("runbook", RunbookProgress),
    ];

    public static Command Create(Globals globals)
    {
        var id = new Argument<Guid?>("incident-id") { Description = "Show one incident with its runbook steps", Arity = ArgumentArity.ZeroOrOne };
        var status = new Option<string>("--status") { Description = "open, acknowledged, mitigated, resolved, verified, closed", HelpName = "status" };
        var store = new Option<string>("--store") { Description = "Only this store", HelpName = "store-id" };
        var device = new Option<string>("--device") { Description = "Only this device", HelpName = "device-id" };
        var limit = new Option<int?>("--limit") { Description = "At most this many, newest first", HelpName = "n" };
        var format = Globals.FormatOption(OutputFormat.Table, OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv);
        var command = new Command("incidents", "List incidents (newest first) or show one") { id, status, store, device, limit, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var api = globals.Api(parse);
            var output = globals.Format(parse, format);
            if (parse.GetValue(id) is { } incidentId)
            {
                var incident = await api.GetJsonAsync($"/api/incidents/{incidentId}", cancellationToken);
                if (output == OutputFormat.Table)
                {
                    ShowOne(globals.Console, incident);
                }
                else if (output == OutputFormat.Json)
                {
                    await globals.Console.Out.WriteLineAsync(Json.Serialize(incident));
                }
                else
                {
                    Rendering.Write(globals.Console, output, [incident], Columns);
                }

                return ExitCodes.Ok;
            }

            var storeId = parse.GetValue(store);
            var deviceId = parse.GetValue(device);
            var answer = await api.GetJsonAsync(
                PosOpsApi.Path("/api/incidents",
                    ("status", parse.GetValue(status)), ("store", storeId), ("storeId", storeId), ("device", deviceId), ("deviceId", deviceId),
                    ("limit", parse.GetValue(limit)?.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                cancellationToken);
            Rendering.Write(globals.Console, output, Json.Items(answer, "incidents"), Columns, "incidents");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>ack</c> and <c>resolve</c>: one incident action, answered with the incident as it is now.</summary>
    public static Command Action(Globals globals, string name, string route, string description)
    {
        var id = new Argument<Guid>("incident-id") { Description = "The incident (see posops incidents)" };
        var by = Globals.ByOption();
        var note = new Option<string>("--note") { Description = "A note kept with the action", HelpName = "text" };
        var format = Globals.FormatOption(OutputFormat.Table, OutputFormat.Table, OutputFormat.Json);
        var command = new Command(name, description) { id, by, note, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var api = globals.Api(parse);
            var incidentId = parse.GetValue(id);
            var incident = await api.PostJsonAsync($"/api/incidents/{incidentId}/{route}", new { by = parse.GetValue(by), note = parse.GetValue(note) }, cancellationToken);
            if (globals.Format(parse, format) == OutputFormat.Json)
            {
                await globals.Console.Out.WriteLineAsync(Json.Serialize(incident));
            }
            else
            {
                var state = Json.Text(incident, "status");
                globals.Console.Screen.MarkupLine($"incident [bold]{incidentId}[/] is now [{Rendering.StatusStyle(state) ?? "default"}]{Markup.Escape(state)}[/]");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void ShowOne(CliConsole console, JsonElement incident)
    {
        console.Screen.Write(new Panel(Rendering.Properties(Without(incident, "runbook", "steps"))).Header(Markup.Escape($"incident {Json.Text(incident, "id")}")));
        var steps = Steps(incident);
        if (steps.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).Title("runbook")
            .AddColumn("#").AddColumn("step").AddColumn("kind").AddColumn("status").AddColumn("by");
        var number = 1;
        foreach (var step in steps)
        {
            var state = Json.Text(step, "status", "state");
            table.AddRow(
                new Markup(number++.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Markup(Markup.Escape(Json.Text(step, "textEn", "title.en", "titleEn", "title", "name", "stepId", "id"))),
                new Markup(Markup.Escape(Json.Text(step, "kind"))),
                new Markup(Rendering.StatusStyle(state) is { } style && state.Length > 0 ? $"[{style}]{Markup.Escape(state)}[/]" : Markup.Escape(state)),
                new Markup(Markup.Escape(Json.Text(step, "completedBy", "by"))));
        }

        console.Screen.Write(table);
    }

    /// <summary>Runbook steps of an incident, wherever the API puts them ("runbook.steps" or "steps").</summary>
    public static IReadOnlyList<JsonElement> Steps(JsonElement incident) =>
        (Json.At(incident, "runbook.steps") ?? Json.At(incident, "steps")) is { ValueKind: JsonValueKind.Array } steps ? [.. steps.EnumerateArray()] : [];

    private static string RunbookProgress(JsonElement incident)
    {
        var steps = Steps(incident);
        if (steps.Count == 0)
        {
            return "";
        }

        var done = steps.Count(s => Json.Text(s, "status", "state").ToLowerInvariant() is "done" or "completed" or "skipped" or "succeeded");
        return $"{done}/{steps.Count}";
    }

    private static JsonElement Without(JsonElement item, params string[] names)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return item;
        }

        var copy = item.EnumerateObject().Where(p => !names.Contains(p.Name)).ToDictionary(p => p.Name, p => p.Value);
        return JsonSerializer.SerializeToElement(copy);
    }
}
