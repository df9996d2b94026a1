using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace PosOps.Cli.Output;

/// <summary>Writes rows as a table, JSON (the API's own objects, untouched) or CSV.</summary>
public static class Rendering
{
    public static void Write(CliConsole console, OutputFormat format, IReadOnlyList<JsonElement> rows, IReadOnlyList<Column> columns, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);
        switch (format)
        {
            case OutputFormat.Json:
                console.Out.WriteLine(Json.Serialize(rows));
                break;
            case OutputFormat.Csv:
                WriteCsv(console.Out, rows, columns);
                break;
            default:
                console.Screen.Write(Table(rows, columns, title));
                console.Screen.MarkupLine($"[grey]{rows.Count} {(rows.Count == 1 ? "row" : "rows")}[/]");
                break;
        }
    }

    public static Table Table(IReadOnlyList<JsonElement> rows, IReadOnlyList<Column> columns, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null)
        {
            table.Title(Markup.Escape(title));
        }

        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column.Header)));
        }

        foreach (var row in rows)
        {
            table.AddRow([.. columns.Select(c => Cell(c, row))]);
        }

        return table;
    }

    private static Markup Cell(Column column, JsonElement row)
    {
        var text = Markup.Escape(column.Value(row));
        return column.Style?.Invoke(text) is { } style && text.Length > 0 ? new Markup($"[{style}]{text}[/]") : new Markup(text);
    }

    public static void WriteCsv(TextWriter writer, IReadOnlyList<JsonElement> rows, IReadOnlyList<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);
        writer.WriteLine(string.Join(',', columns.Select(c => CsvField(c.Header))));
        foreach (var row in rows)
        {
            writer.WriteLine(string.Join(',', columns.Select(c => CsvField(c.Value(row)))));
        }
    }

    /// <summary>RFC 4180: quote fields with a comma, quote or line break, doubling inner quotes.</summary>
    public static string CsvField(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.IndexOfAny([',', '"', '\n', '\r']) < 0)
        {
            return value;
        }

        return new StringBuilder("\"").Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').ToString();
    }

    /// <summary>Colours that read the same in the CLI and on the dashboard.</summary>
    public static string? StatusStyle(string status) => status.ToLowerInvariant() switch
    {
        "open" or "reopened" or "blocking" or "down" or "red" or "silent" or "offline" or "failed" or "overdue" => "red",
        "acknowledged" or "mitigated" or "degraded" or "amber" or "escalated" or "running" => "yellow",
        "resolved" or "verified" or "closed" or "ok" or "healthy" or "green" or "online" or "completed" or "done" => "green",
        _ => null,
    };

    /// <summary>Every property of one object as a two-column grid (nested values as compact JSON).</summary>
    public static Grid Properties(JsonElement item)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        if (item.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in item.EnumerateObject())
            {
                var value = Markup.Escape(Json.Format(property.Value));
                grid.AddRow(new Markup($"[grey]{Markup.Escape(property.Name)}[/]"), StatusStyle(value) is { } style && value.Length > 0 ? new Markup($"[{style}]{value}[/]") : new Markup(value));
            }
        }

        return grid;
    }
}
