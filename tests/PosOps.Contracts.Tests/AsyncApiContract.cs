using System.Text.Json;
using Json.Schema;

namespace PosOps.Contracts.Tests;

/// <summary>
/// The wire contract (shared/PosOps.Contracts/asyncapi.json) as a validator: one JSON Schema per message
/// name, with the document's <c>#/components/...</c> references resolved against the document itself.
/// It knows nothing of the example files, so bodies captured off a real broker can be checked the same way.
/// </summary>
public sealed class AsyncApiContract
{
    /// <summary>The document's file name, copied next to the test assembly.</summary>
    public const string FileName = "asyncapi.json";

    private const string Draft202012 = "https://json-schema.org/draft/2020-12/schema";

    // Refs inside the document (#/components/...) resolve against this; it is never fetched.
    private static readonly Uri DocumentUri = new("https://posops.invalid/contracts/asyncapi.json");

    private static readonly Lazy<AsyncApiContract> Shipped = new(() => Load(Path.Combine(AppContext.BaseDirectory, FileName)));

    private readonly Dictionary<string, MessageSchemas> messages;
    private readonly EvaluationOptions evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
    private readonly Lock gate = new();

    private AsyncApiContract(JsonElement document)
    {
        Document = document;
        var registry = new SchemaRegistry();
        registry.Register(DocumentUri, new JsonElementBaseDocument(document, DocumentUri));
        var build = new BuildOptions { SchemaRegistry = registry, Dialect = Dialect.Draft202012 };

        messages = new Dictionary<string, MessageSchemas>(StringComparer.Ordinal);
        foreach (var message in document.GetProperty("components").GetProperty("messages").EnumerateObject())
        {
            var name = message.Value.TryGetProperty("name", out var n) ? n.GetString()! : message.Name;
            var pointer = "/components/messages/" + Escape(message.Name);
            var payload = message.Value.TryGetProperty("payload", out _) ? Reference(pointer + "/payload", build) : null;
            var headers = message.Value.TryGetProperty("headers", out _) ? Reference(pointer + "/headers", build) : null;
            if (!messages.TryAdd(name, new MessageSchemas(message.Value, payload, headers)))
            {
                throw new InvalidOperationException($"two messages are named '{name}'");
            }
        }
    }

    /// <summary>The contract shipped with this build (the copy in the test output directory).</summary>
    public static AsyncApiContract Current => Shipped.Value;

    /// <summary>The whole AsyncAPI document.</summary>
    public JsonElement Document { get; }

    /// <summary>Every message name (the AMQP <c>type</c> value for agent messages).</summary>
    public IReadOnlyCollection<string> MessageNames => messages.Keys;

    /// <summary>Reads an AsyncAPI document from a file.</summary>
    public static AsyncApiContract Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Reads an AsyncAPI document from its JSON text.</summary>
    public static AsyncApiContract Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new AsyncApiContract(document.RootElement.Clone());
    }

    /// <summary>The message object named <paramref name="messageName"/>.</summary>
    public JsonElement Message(string messageName) => Find(messageName).Definition;

    /// <summary>
    /// Checks a body against the payload schema of <paramref name="messageName"/>.
    /// Returns one line per problem, naming where it is (a JSON pointer) and what is wrong; empty when the body is valid.
    /// </summary>
    public IReadOnlyList<string> Validate(string messageName, string json) => Evaluate(Find(messageName).Payload, json);

    /// <summary>Checks AMQP headers, given as one JSON object, against the headers schema of <paramref name="messageName"/>.</summary>
    public IReadOnlyList<string> ValidateHeaders(string messageName, string json) => Evaluate(Find(messageName).Headers, json);

    private MessageSchemas Find(string messageName)
    {
        ArgumentNullException.ThrowIfNull(messageName);
        return messages.TryGetValue(messageName, out var message)
            ? message
            : throw new ArgumentException($"no message '{messageName}' in the contract; known: {string.Join(", ", messages.Keys)}", nameof(messageName));
    }

    private List<string> Evaluate(JsonSchema? schema, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument instance;
        try
        {
            instance = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return [$"(root): not JSON: {e.Message}"];
        }

        using (instance)
        {
            if (schema is null)
            {
                return [];
            }

            EvaluationResults results;
            lock (gate)
            {
                results = schema.Evaluate(instance.RootElement, evaluation);
            }

            return results.IsValid ? [] : [.. Describe(results)];
        }
    }

    private static IEnumerable<string> Describe(EvaluationResults results)
    {
        foreach (var node in (IEnumerable<EvaluationResults>)[results, .. results.Details ?? []])
        {
            if (node.Errors is null)
            {
                continue;
            }

            var location = node.InstanceLocation.ToString();
            var path = node.EvaluationPath.ToString();
            foreach (var (keyword, message) in node.Errors)
            {
                // A property refused by "additionalProperties": false fails against the false schema, which says nothing useful.
                if (path.EndsWith("/additionalProperties", StringComparison.Ordinal))
                {
                    var property = location[(location.LastIndexOf('/') + 1)..];
                    yield return $"{location}: property '{property}' is not in the contract (additionalProperties: false)";
                }
                else
                {
                    yield return $"{(location.Length == 0 ? "(root)" : location)}: {message} ({(keyword.Length == 0 ? path : keyword)})";
                }
            }
        }
    }

    private static JsonSchema Reference(string pointer, BuildOptions build)
    {
        var wrapper = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["$schema"] = Draft202012,
            ["$ref"] = DocumentUri + "#" + pointer,
        });
        return JsonSchema.FromText(wrapper, build);
    }

    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private sealed record MessageSchemas(JsonElement Definition, JsonSchema? Payload, JsonSchema? Headers);
}
