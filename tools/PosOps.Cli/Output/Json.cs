using System.Globalization;
using System.Text.Json;

namespace PosOps.Cli.Output;

/// <summary>Small reads of API JSON that tolerate missing fields (the API grows; the CLI keeps working).</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The value at a dotted path ("health.network.mode"), or null when any part is missing.</summary>
    public static JsonElement? At(JsonElement element, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var current = element;
        foreach (var name in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    /// <summary>The first of the paths that has a value, as text ("" when none has).</summary>
    public static string Text(JsonElement element, params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        foreach (var path in paths)
        {
            if (At(element, path) is { } value)
            {
                return Format(value);
            }
        }

        return "";
    }

    public static string Format(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };

    /// <summary>A short local-independent time ("2026-11-25 09:15:00Z") for tables; the raw text otherwise.</summary>
    public static string Time(JsonElement element, string path)
    {
        var text = Text(element, path);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : text;
    }

    /// <summary>The items of a list answer: the array itself, or the named array of an envelope object.</summary>
    public static IReadOnlyList<JsonElement> Items(JsonElement answer, string envelopeProperty)
    {
        if (answer.ValueKind == JsonValueKind.Array)
        {
            return [.. answer.EnumerateArray()];
        }

        return answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty(envelopeProperty, out var items) && items.ValueKind == JsonValueKind.Array
            ? [.. items.EnumerateArray()]
            : [];
    }

    public static string Serialize(object value) => JsonSerializer.Serialize(value, Indented);
}
