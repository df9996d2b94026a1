using System.Text.Json;
using System.Text.Json.Serialization;

namespace PosOps.Contracts;

/// <summary>
/// The one JSON shape of the wire: camelCase names, enums as camelCase strings, ISO 8601 times.
/// Any publisher in any language must produce this.
/// </summary>
public static class WireJson
{
    /// <summary>Serializer options shared by every process.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Applies the wire conventions to existing options (e.g. MassTransit's).</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.RespectRequiredConstructorParameters = true;
        options.RespectNullableAnnotations = true;
        // Integers are not enum values on the wire (the contract lists strings only).
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        return options;
    }

    /// <summary>
    /// Reading options for untrusted traffic, exactly as the AsyncAPI schemas say: property names
    /// case-sensitive, no member the schema does not list (additionalProperties: false), no duplicate
    /// names, numbers as JSON numbers, enums as their exact strings, times with an offset.
    /// Writes what <see cref="Options"/> writes.
    /// </summary>
    public static JsonSerializerOptions Strict { get; } = CreateStrict();

    private static JsonSerializerOptions Create()
    {
        var options = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static JsonSerializerOptions CreateStrict()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = false,
            NumberHandling = JsonNumberHandling.Strict,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
        };
        options.Converters.Add(new ExactEnumConverter());
        options.Converters.Add(new DeviceTimeConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
