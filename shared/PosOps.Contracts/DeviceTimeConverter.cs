using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace PosOps.Contracts;

/// <summary>
/// Times as the contract's DeviceTime/ServerTime: RFC 3339 with seconds and an offset. The stock
/// converter also takes "2026-11-25T09:15:04" and silently assumes the server's own offset, which
/// would put a device's clock hours off.
/// </summary>
public sealed partial class DeviceTimeConverter : JsonConverter<DateTimeOffset>
{
    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,7})?(Z|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("a time must be an RFC 3339 string with an offset, e.g. 2026-11-25T09:15:04+08:00");
        }

        var text = reader.GetString()!;
        if (!Rfc3339().IsMatch(text))
        {
            throw new JsonException($"time '{ExactEnumConverter.Shorten(text)}' must be RFC 3339 with seconds and an offset (Z or +08:00), e.g. 2026-11-25T09:15:04+08:00");
        }

        // The pattern fixed the shape; this checks the calendar (no month 13) and keeps the offset.
        return reader.TryGetDateTimeOffset(out var value) ? value : throw new JsonException($"time '{text}' is not a real date and time");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}
