using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PosOps.Contracts.Tests;

/// <summary>
/// The AsyncAPI document itself: well formed, complete against <see cref="AgentMessageTypes"/> and <see cref="WireNames"/>,
/// its inline examples the same as the example files, and its signature test vector right.
/// </summary>
public class AsyncApiDocumentTests
{
    private static AsyncApiContract Contract => AsyncApiContract.Current;

    private static JsonElement Messages => Contract.Document.GetProperty("components").GetProperty("messages");

    private static IEnumerable<string> ConstValues(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

    public static TheoryData<string> AgentMessageTypeNames => [.. ConstValues(typeof(AgentMessageTypes))];

    public static TheoryData<string> MessageKeys => [.. Messages.EnumerateObject().Select(m => m.Name)];

    [Fact]
    public void GivenTheDocument_WhenParsed_ThenItIsAsyncApi300WithTheLocalAmqpServer()
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, AsyncApiContract.FileName)))!;

        Assert.Equal("3.0.0", node["asyncapi"]!.GetValue<string>());
        Assert.Equal("application/json", node["defaultContentType"]!.GetValue<string>());
        var local = node["servers"]!["local"]!;
        Assert.Equal("127.0.0.1:27672", local["host"]!.GetValue<string>());
        Assert.Equal("amqp", local["protocol"]!.GetValue<string>());
        Assert.Equal("0-9-1", local["protocolVersion"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(AgentMessageTypeNames))]
    public void GivenAnAgentMessageType_WhenLookedUp_ThenTheDocumentHasAMessageOfThatNameAndAmqpType(string type)
    {
        Assert.Contains(type, Contract.MessageNames);

        var message = Contract.Message(type);
        Assert.Equal("application/json", message.GetProperty("contentType").GetString());
        Assert.Equal(type, message.GetProperty("bindings").GetProperty("amqp").GetProperty("messageType").GetString());
    }

    [Fact]
    public void GivenTheIntegrationEvents_WhenLookedUp_ThenBothAreInTheDocument()
    {
        Assert.Contains("incident-opened", Contract.MessageNames);
        Assert.Contains("incident-resolved", Contract.MessageNames);
    }

    [Fact]
    public void GivenEveryRef_WhenResolvedInTheDocument_ThenItPointsAtSomething()
    {
        var refs = new List<string>();
        CollectRefs(Contract.Document, refs);

        Assert.NotEmpty(refs);
        Assert.All(refs, r =>
        {
            Assert.StartsWith("#/", r, StringComparison.Ordinal);
            Assert.True(TryResolve(Contract.Document, r[1..], out _), $"{r} does not resolve");
        });
    }

    [Fact]
    public void GivenTheChannels_WhenTheirAmqpBindingsAreRead_ThenEveryExchangeAndQueueIsAWireName()
    {
        var wireNames = ConstValues(typeof(WireNames)).ToHashSet(StringComparer.Ordinal);
        var expected = new Dictionary<string, (string Kind, string Type)>(StringComparer.Ordinal)
        {
            [WireNames.HeartbeatExchange] = ("exchange", "topic"),
            [WireNames.FaultExchange] = ("exchange", "topic"),
            [WireNames.TransactionsExchange] = ("exchange", "topic"),
            [WireNames.CommandExchange] = ("exchange", "topic"),
            [WireNames.IncidentEventsExchange] = ("exchange", "topic"),
            [WireNames.AgentErrorQueue] = ("queue", "queue"),
        };

        var channels = Contract.Document.GetProperty("channels").EnumerateObject().ToList();

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), channels.Select(c => c.Name).Order(StringComparer.Ordinal));
        foreach (var channel in channels)
        {
            var amqp = channel.Value.GetProperty("bindings").GetProperty("amqp");
            var (kind, type) = expected[channel.Name];
            var entity = amqp.GetProperty(kind);
            Assert.Equal(channel.Name, entity.GetProperty("name").GetString());
            Assert.Contains(entity.GetProperty("name").GetString()!, wireNames);
            Assert.True(entity.GetProperty("durable").GetBoolean(), $"{channel.Name} is durable");
            if (kind == "exchange")
            {
                Assert.Equal("routingKey", amqp.GetProperty("is").GetString());
                Assert.Equal(type, entity.GetProperty("type").GetString());
            }
            else
            {
                Assert.Equal("queue", amqp.GetProperty("is").GetString());
            }
        }
    }

    [Fact]
    public void GivenTheIncidentEventsChannel_WhenItsMessagesAreListed_ThenTheyAreExactlyTheIntegrationEventRecords()
    {
        var messages = Contract.Document.GetProperty("channels").GetProperty(WireNames.IncidentEventsExchange).GetProperty("messages")
            .EnumerateObject().Select(m => m.Name).Order(StringComparer.Ordinal);

        Assert.Equal(PosOps.Contracts.Incidents.IntegrationEvents.Types.Select(PosOps.Contracts.Incidents.IntegrationEvents.NameOf).Order(StringComparer.Ordinal), messages);
    }

    [Fact]
    public void GivenTheFaultChannel_WhenItsMessagesAreListed_ThenEveryEdgeSharesIt()
    {
        var messages = Contract.Document.GetProperty("channels").GetProperty(WireNames.FaultExchange).GetProperty("messages")
            .EnumerateObject().Select(m => m.Name);

        Assert.Equal(
            [AgentMessageTypes.FaultReported, AgentMessageTypes.FaultCleared, AgentMessageTypes.NetworkSwitched, AgentMessageTypes.CommandResult],
            messages);
    }

    [Fact]
    public void GivenTheOperations_WhenTheirDeliveryModesAreRead_ThenHeartbeatsAreTransientAndEverythingElsePersistent()
    {
        foreach (var operation in Contract.Document.GetProperty("operations").EnumerateObject())
        {
            var amqp = operation.Value.GetProperty("bindings").GetProperty("amqp");
            if (operation.Value.GetProperty("action").GetString() == "receive")
            {
                continue;
            }

            var channel = operation.Value.GetProperty("channel").GetProperty("$ref").GetString();
            var expected = channel == "#/channels/" + WireNames.HeartbeatExchange ? 1 : 2;
            Assert.True(expected == amqp.GetProperty("deliveryMode").GetInt32(), $"{operation.Name} has delivery mode {expected}");
        }
    }

    [Fact]
    public void GivenTheHeaderSchemas_WhenTheirRequiredHeadersAreRead_ThenEachIsAWireName()
    {
        var wireNames = ConstValues(typeof(WireNames)).ToHashSet(StringComparer.Ordinal);
        var schemas = Contract.Document.GetProperty("components").GetProperty("schemas");

        var required = new[] { "AgentMessageHeaders", "AgentErrorHeaders" }
            .SelectMany(s => schemas.GetProperty(s).GetProperty("required").EnumerateArray().Select(r => r.GetString()!))
            .ToList();

        Assert.Equal([WireNames.SignatureHeader, WireNames.ReasonHeader, WireNames.SourceQueueHeader], required);
        Assert.All(required, h => Assert.Contains(h, wireNames));
        Assert.All(
            schemas.GetProperty("AgentErrorHeaders").GetProperty("properties").GetProperty(WireNames.SourceQueueHeader).GetProperty("enum").EnumerateArray(),
            q => Assert.Contains(q.GetString()!, wireNames));
    }

    [Theory]
    [MemberData(nameof(MessageKeys))]
    public void GivenAMessage_WhenItsInlineExamplesAreValidated_ThenPayloadAndHeadersConform(string key)
    {
        var message = Messages.GetProperty(key);
        var name = message.GetProperty("name").GetString()!;
        var examples = message.GetProperty("examples").EnumerateArray().ToList();

        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            Assert.Empty(Contract.Validate(name, example.GetProperty("payload").GetRawText()));
            if (example.TryGetProperty("headers", out var headers))
            {
                Assert.Empty(Contract.ValidateHeaders(name, headers.GetRawText()));
            }
        }
    }

    [Theory]
    [MemberData(nameof(MessageKeys))]
    public void GivenAMessageWithAnExampleFile_WhenItsFirstInlineExampleIsCompared_ThenItIsTheFile(string key)
    {
        var message = Messages.GetProperty(key);
        if (!message.TryGetProperty("x-posops-example-file", out var file))
        {
            Assert.Equal("agent-error", key);
            return;
        }

        var onDisk = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, file.GetString()!)));
        var inline = JsonNode.Parse(message.GetProperty("examples")[0].GetProperty("payload").GetRawText());

        Assert.True(JsonNode.DeepEquals(onDisk, inline), $"the first example of {key} differs from {file.GetString()}");
        Assert.Equal(key + ".json", Path.GetFileName(file.GetString()));
    }

    [Fact]
    public void GivenTheSignatureTestVector_WhenSignedAsAgentSignatureDoes_ThenTheSignatureMatches()
    {
        var vector = Contract.Document.GetProperty("x-posops-signature-test-vector");

        var signature = Sign(
            Convert.FromBase64String(vector.GetProperty("deviceKeyBase64").GetString()!),
            vector.GetProperty("deviceId").GetString()!,
            vector.GetProperty("sequence").GetInt64(),
            Encoding.UTF8.GetBytes(vector.GetProperty("body").GetString()!));

        Assert.Equal(vector.GetProperty("signature").GetString(), signature);
    }

    [Theory]
    [MemberData(nameof(MessageKeys))]
    public void GivenASignedExample_WhenItsBodyIsWrittenByWireJsonAndSigned_ThenTheExampleSignatureMatches(string key)
    {
        var message = Messages.GetProperty(key);
        var vector = Contract.Document.GetProperty("x-posops-signature-test-vector");
        var key256 = Convert.FromBase64String(vector.GetProperty("deviceKeyBase64").GetString()!);
        var record = typeof(WireJson).Assembly.GetType(message.TryGetProperty("x-posops-record", out var r) ? r.GetString()! : "none");

        foreach (var example in message.GetProperty("examples").EnumerateArray())
        {
            if (!example.TryGetProperty("headers", out var headers) || !headers.TryGetProperty(WireNames.SignatureHeader, out var signature))
            {
                continue;
            }

            Assert.NotNull(record);
            var payload = example.GetProperty("payload");
            var body = JsonSerializer.SerializeToUtf8Bytes(payload.Deserialize(record, WireJson.Options), record, WireJson.Options);
            var sequence = payload.GetProperty("sequence").GetInt64();

            Assert.Equal(signature.GetString(), Sign(key256, payload.GetProperty("deviceId").GetString()!, sequence, body));
            Assert.Equal(sequence.ToString(CultureInfo.InvariantCulture), headers.GetProperty("x-posops-sequence").GetString());
        }
    }

    // The formula in the contract, as an agent in another language implements it (AgentSignature.Sign in ServiceDefaults).
    private static string Sign(byte[] key, string deviceId, long sequence, byte[] body)
    {
        byte[] data = [.. Encoding.UTF8.GetBytes(deviceId + "\n" + sequence.ToString(CultureInfo.InvariantCulture) + "\n"), .. body];
        return Convert.ToBase64String(HMACSHA256.HashData(key, data));
    }

    private static void CollectRefs(JsonElement element, List<string> refs)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "$ref" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        refs.Add(property.Value.GetString()!);
                    }
                    else
                    {
                        CollectRefs(property.Value, refs);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectRefs(item, refs);
                }

                break;
        }
    }

    internal static bool TryResolve(JsonElement root, string pointer, out JsonElement target)
    {
        target = root;
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (target.ValueKind != JsonValueKind.Object || !target.TryGetProperty(segment, out target))
            {
                return false;
            }
        }

        return true;
    }
}
