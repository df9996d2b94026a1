using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PosOps.Contracts;

/// <summary>
/// Enums as the contract spells them and nothing else: the exact camelCase string. The stock converter
/// also takes integers and any casing ("Faulted", 2), which the AsyncAPI enums do not allow.
/// </summary>
public sealed class ExactEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Exact<>).MakeGenericType(typeToConvert))!;

    private sealed class Exact<T> : JsonConverter<T>
        where T : struct, Enum
    {
        private static readonly FrozenDictionary<string, T> ByName =
            Enum.GetValues<T>().ToFrozenDictionary(v => JsonNamingPolicy.CamelCase.ConvertName(v.ToString()), StringComparer.Ordinal);

        private static readonly FrozenDictionary<T, string> ByValue = ByName.ToFrozenDictionary(p => p.Value, p => p.Key);

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"{typeof(T).Name} must be a string, one of: {string.Join(", ", ByName.Keys)}");
            }

            var text = reader.GetString()!;
            return ByName.TryGetValue(text, out var value)
                ? value
                : throw new JsonException($"'{Shorten(text)}' is not a {typeof(T).Name}; expected one of: {string.Join(", ", ByName.Keys)}");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(ByValue.TryGetValue(value, out var name) ? name : throw new JsonException($"{value} is not a {typeof(T).Name} of the contract"));
        }
    }

    internal static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
