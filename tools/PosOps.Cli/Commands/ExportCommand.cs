using System.CommandLine;
using System.Globalization;
using PosOps.Cli.Api;
using PosOps.Cli.Output;
using Spectre.Console;

namespace PosOps.Cli.Commands;

/// <summary>
/// <c>posops export</c>: streams a device's (or a store's) events as CSV or JSON to a file or standard
/// output, with a progress bar on standard error sized by the X-PosOps-Event-Count header.
/// </summary>
public static class ExportCommand
{
    public static Command Create(Globals globals)
    {
        var id = new Argument<string?>("device-id") { Description = "The device to export (or use --store)", Arity = ArgumentArity.ZeroOrOne };
        var store = new Option<string>("--store") { Description = "Export every device of this store", HelpName = "store-id" };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Only events from this instant (ISO 8601)", HelpName = "time" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Only events up to this instant (ISO 8601)", HelpName = "time" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file (default: standard output)", HelpName = "file" };
        var format = Globals.FormatOption(OutputFormat.Csv, OutputFormat.Csv, OutputFormat.Json);
        var command = new Command("export", "Export a device's or store's events as CSV or JSON, with progress") { id, store, from, to, output, format };
        command.Validators.Add(result =>
        {
            var hasDevice = result.GetValue(id) is { Length: > 0 };
            var hasStore = result.GetValue(store) is { Length: > 0 };
            if (hasDevice == hasStore)
            {
                result.AddError("export needs exactly one of: a device id, or --store");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var api = globals.Api(parse);
            var chosen = globals.Format(parse, format);
            var what = parse.GetValue(id) is { Length: > 0 } device ? $"/api/devices/{PosOpsApi.Segment(device)}" : $"/api/stores/{PosOpsApi.Segment(parse.GetValue(store)!)}";
            var path = PosOpsApi.Path($"{what}/export",
                ("format", chosen.ToString().ToLowerInvariant()), ("from", DeviceEvents.Iso(parse.GetValue(from))), ("to", DeviceEvents.Iso(parse.GetValue(to))));
            using var response = await api.OpenStreamAsync(path, chosen == OutputFormat.Csv ? "text/csv" : "application/json", cancellationToken);
            long? total = response.Headers.TryGetValues(PosOpsApi.EventCountHeader, out var values)
                && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : null;

            var file = parse.GetValue(output);
            var counter = new RecordCounter(chosen);
            await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken))
            await using (var sink = file is null ? null : new FileStream(file.FullName, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await globals.Console.ErrorScreen.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask($"export {what.Split('/')[^1]}", maxValue: Math.Max(total ?? 1, 1));
                        task.IsIndeterminate = total is null;
                        var buffer = new byte[1 << 16];
                        var chars = new char[System.Text.Encoding.UTF8.GetMaxCharCount(buffer.Length)];
                        var decoder = System.Text.Encoding.UTF8.GetDecoder();
                        int read;
                        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                        {
                            counter.Add(buffer.AsSpan(0, read));
                            if (sink is not null)
                            {
                                await sink.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                            }
                            else
                            {
                                // A decoder, because a chunk may end inside a multi-byte character.
                                var decoded = decoder.GetChars(buffer, 0, read, chars, 0);
                                await globals.Console.Out.WriteAsync(chars.AsMemory(0, decoded), cancellationToken);
                            }

                            task.Value = Math.Min(counter.Records, task.MaxValue);
                        }

                        task.Value = task.MaxValue;
                    });
            }

            await globals.Console.Out.FlushAsync(cancellationToken);
            globals.Console.ErrorScreen.MarkupLine(
                $"exported [bold]{counter.Records}[/] events{(total is { } t && t != counter.Records ? $" (the server announced {t})" : "")}{(file is null ? "" : $" to {Markup.Escape(file.FullName)}")}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
