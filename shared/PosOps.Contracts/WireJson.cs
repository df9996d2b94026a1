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
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return options;
    }

    private static JsonSerializerOptions Create()
    {
        var options = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
