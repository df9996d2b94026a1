using System.Text.Json;

namespace PosOps.Cli.Output;

/// <summary>One column of a table or CSV: its header and how to read it from a JSON row.</summary>
/// <param name="Style">Spectre style picked from the cell text (e.g. red for "open"), or null for plain.</param>
public sealed record Column(string Header, Func<JsonElement, string> Value, Func<string, string?>? Style = null)
{
    public static Column Of(string header, params string[] paths) => new(header, row => Json.Text(row, paths));

    public static Column TimeOf(string header, string path) => new(header, row => Json.Time(row, path));
}
