using System.CommandLine;
using System.Text;
using System.Text.Json;
using PosOps.Cli.Api;
using PosOps.Cli.Output;
using Spectre.Console;

namespace PosOps.Cli.Commands;

/// <summary>
/// <c>posops tail</c>: follows the live event stream (Server-Sent Events on /api/stream) and prints each
/// event as it arrives; reconnects when the server closes the stream, stops on Ctrl-C or after --count.
/// </summary>
public static class TailCommand
{
    public static Command Create(Globals globals)
    {
        var device = new Option<string>("--device") { Description = "Only events of this device", HelpName = "device-id" };
        var store = new Option<string>("--store") { Description = "Only events of this store", HelpName = "store-id" };
        var type = new Option<string[]>("--event") { Description = "Only these event names (e.g. incident-opened); repeatable", HelpName = "name", AllowMultipleArgumentsPerToken = true };
        var count = new Option<int?>("--count", "-n") { Description = "Stop after this many events", HelpName = "n" };
        var timeout = new Option<double?>("--timeout") { Description = "Stop after this many seconds (exit 0)", HelpName = "seconds" };
        var format = Globals.FormatOption(OutputFormat.Table, OutputFormat.Table, OutputFormat.Json);
        var command = new Command("tail", "Follow live events (incidents, device status) as they happen; Ctrl-C stops") { device, store, type, count, timeout, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var api = globals.Api(parse);
            var filter = new Filter(parse.GetValue(device), parse.GetValue(store), parse.GetValue(type) ?? []);
            var json = globals.Format(parse, format) == OutputFormat.Json;
            var wanted = parse.GetValue(count);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (parse.GetValue(timeout) is { } seconds)
            {
                stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            }

            var path = PosOpsApi.Path("/api/stream", ("device", filter.Device), ("store", filter.Store));
            var seen = 0;
            var connected = false;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var response = await api.OpenStreamAsync(path, "text/event-stream", stop.Token);
                        if (!connected && !json)
                        {
                            globals.Console.ErrorScreen.MarkupLine($"[grey]following {Markup.Escape(api.BaseUrl.ToString())}api/stream (Ctrl-C stops)[/]");
                        }

                        connected = true;
                        await using var body = await response.Content.ReadAsStreamAsync(stop.Token);
                        await foreach (var (name, data) in ReadEventsAsync(body, stop.Token))
                        {
                            if (!filter.Matches(name, data))
                            {
                                continue;
                            }

                            Print(globals.Console, json, name, data);
                            if (++seen >= wanted)
                            {
                                return ExitCodes.Ok;
                            }
                        }
                    }
                    catch (ApiException e) when (connected && e.ExitCode == ExitCodes.Unreachable && e.Status is null)
                    {
                        // The server went away after we were following: wait and follow again, like EventSource.
                    }
                    catch (IOException) when (connected)
                    {
                    }
                    catch (HttpRequestException) when (connected)
                    {
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Parses a text/event-stream: "event:" and "data:" lines, a blank line ends an event, ":" lines are comments.</summary>
    public static async IAsyncEnumerable<(string Name, string Data)> ReadEventsAsync(Stream body, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        var name = "message";
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    yield return (name, data.ToString());
                }

                name = "message";
                data.Clear();
                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            if (field == "event")
            {
                name = value;
            }
            else if (field == "data")
            {
                if (data.Length > 0)
                {
                    data.Append('\n');
                }

                data.Append(value);
            }
        }
    }

    private static void Print(CliConsole console, bool json, string name, string data)
    {
        JsonElement payload;
        try
        {
            payload = JsonSerializer.Deserialize<JsonElement>(data);
        }
        catch (JsonException)
        {
            payload = JsonSerializer.SerializeToElement(data);
        }

        if (json)
        {
            // One object per line (JSON Lines), so scripts can read the stream as it comes.
            console.Out.WriteLine(JsonSerializer.Serialize(new { @event = name, data = payload }));
            console.Out.Flush();
            return;
        }

        var when = Json.Time(payload, "recordedAt") is { Length: > 0 } t ? t : DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var style = name.Contains("opened", StringComparison.Ordinal) || name.Contains("escalated", StringComparison.Ordinal) || name.Contains("outage-detected", StringComparison.Ordinal) ? "red"
            : name.Contains("resolved", StringComparison.Ordinal) || name.Contains("verified", StringComparison.Ordinal) || name.Contains("closed", StringComparison.Ordinal) ? "green"
            : "yellow";
        var subject = new[] { Json.Text(payload, "deviceId"), Json.Text(payload, "storeId"), Json.Text(payload, "faultCode"), Json.Text(payload, "status"), Json.Text(payload, "by") }
            .Where(s => s.Length > 0);
        console.Screen.MarkupLine($"[grey]{when}[/] [{style}]{Markup.Escape(name),-24}[/] {Markup.Escape(string.Join("  ", subject))}  [grey]{Markup.Escape(Json.Text(payload, "incidentId"))}[/]");
    }

    private sealed record Filter(string? Device, string? Store, string[] Events)
    {
        public bool Matches(string name, string data)
        {
            if (Events.Length > 0 && !Events.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return false;
            }

            if (Device is null && Store is null)
            {
                return true;
            }

            try
            {
                var payload = JsonSerializer.Deserialize<JsonElement>(data);
                return (Device is null || Json.Text(payload, "deviceId") == Device) && (Store is null || Json.Text(payload, "storeId") == Store);
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }
}
