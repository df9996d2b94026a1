using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using PosOps.Contracts.Agent;
using PosOps.Contracts.Commands;
using PosOps.Contracts.Incidents;

namespace PosOps.Contracts.Tests;

/// <summary>
/// The payload schemas of asyncapi.json against what <see cref="WireJson.Options"/> really writes and reads:
/// the example files and records built in code validate, and the usual mistakes of a foreign agent are refused with a reason.
/// </summary>
public class AsyncApiPayloadTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 15, 4, TimeSpan.FromHours(8));
    private static readonly Guid MessageId = Guid.Parse("0192f3a0-7b1c-7c00-8a00-0000000000a1");
    private static readonly Guid CommandId = Guid.Parse("0192f3a1-2b9d-7f00-9000-0000000000a2");

    private static AsyncApiContract Contract => AsyncApiContract.Current;

    private static JsonElement Schemas => Contract.Document.GetProperty("components").GetProperty("schemas");

    private static readonly Type[] WireEnums = [typeof(ComponentStatus), typeof(CommandStatus), typeof(CommandKind), typeof(Severity)];

    /// <summary>The records the document's messages name (x-posops-record).</summary>
    private static IEnumerable<Type> MessageRecords => Contract.MessageNames
        .Select(n => Contract.Message(n))
        .Where(m => m.TryGetProperty("x-posops-record", out _))
        .Select(m => typeof(WireJson).Assembly.GetType(m.GetProperty("x-posops-record").GetString()!, throwOnError: true)!);

    /// <summary>Every record on the wire: the message records and the records they contain.</summary>
    private static List<Type> WireRecords
    {
        get
        {
            var seen = new List<Type>();
            var pending = new Queue<Type>(MessageRecords);
            while (pending.TryDequeue(out var type))
            {
                if (seen.Contains(type))
                {
                    continue;
                }

                seen.Add(type);
                foreach (var parameter in PrimaryConstructor(type).GetParameters())
                {
                    var inner = parameter.ParameterType.IsGenericType ? parameter.ParameterType.GetGenericArguments()[0] : parameter.ParameterType;
                    if (inner.IsClass && inner.Assembly == typeof(WireJson).Assembly)
                    {
                        pending.Enqueue(inner);
                    }
                }
            }

            return seen;
        }
    }

    public static TheoryData<string> ExampleFiles =>
        [.. Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Examples"), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> RecordTypes => [.. WireRecords.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void GivenAnExampleFile_WhenValidatedAgainstTheMessageOfItsName_ThenItConforms(string file)
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", file));

        Assert.Empty(Contract.Validate(Path.GetFileNameWithoutExtension(file), json));
    }

    public static TheoryData<string, Func<object>> Records => new()
    {
        { AgentMessageTypes.Heartbeat, () => new Heartbeat(MessageId, "S03-T002", "S03", 1042,
            [new ComponentHealth("display", ComponentStatus.Ok), new ComponentHealth("printer", ComponentStatus.Faulted, "PAPER_OUT"), new ComponentHealth("power", ComponentStatus.Degraded, "ON_BATTERY")],
            new NetworkState("wifi", 72), "4.2.0", "android-12", 3, Now) },
        { AgentMessageTypes.Heartbeat, () => new Heartbeat(MessageId, "store.7:lane_2-T1", "store.7", 0, [], new NetworkState("ethernet"), "4.2.0", "android-12", 0, Now.ToUniversalTime()) },
        { AgentMessageTypes.FaultReported, () => new FaultReported(MessageId, "S03-T002", "S03", 1043, "printer", "PAPER_OUT", Now, "paper sensor reports empty tray") },
        { AgentMessageTypes.FaultReported, () => new FaultReported(MessageId, "S03-T002", "S03", long.MaxValue, "card-reader", "READER_FAULT", Now.AddTicks(1234567)) },
        { AgentMessageTypes.FaultCleared, () => new FaultCleared(MessageId, "S03-T002", "S03", 1051, "printer", "PAPER_OUT", Now) },
        { AgentMessageTypes.NetworkSwitched, () => new NetworkSwitched(MessageId, "S03-T002", "S03", 1060, "wifi", "cellular", "failover", Now) },
        { AgentMessageTypes.NetworkSwitched, () => new NetworkSwitched(MessageId, "S03-T002", "S03", 1061, "none", "ethernet", "recovered", Now) },
        { AgentMessageTypes.NetworkSwitched, () => new NetworkSwitched(MessageId, "S03-T002", "S03", 1062, "hotspot", "none", "failover", Now) },
        { AgentMessageTypes.CommandResult, () => new CommandResult(MessageId, "S03-T002", "S03", 1063, CommandId, CommandKind.SwitchNetwork, CommandStatus.Succeeded, "switched wifi -> cellular", 2140, Now) },
        { AgentMessageTypes.CommandResult, () => new CommandResult(MessageId, "S03-T002", "S03", 1064, CommandId, CommandKind.Restart, CommandStatus.Refused, "expired 12 s ago", 0, Now) },
        { AgentMessageTypes.OfflineTransactions, () => new OfflineTransactionsUploaded(MessageId, "S03-T002", "S03", 1075,
            [new OfflineTransaction("S03-T002-000311", 12.50m, "CNY", Now, "ORD-88213"), new OfflineTransaction("S03-T002-000312", 86m, "CNY", Now.AddMinutes(3))],
            [new CurrencyTotal("CNY", 5, 230.50m), new CurrencyTotal("USD", 1, 0.01m)], Now) },
        { AgentMessageTypes.OfflineTransactions, () => new OfflineTransactionsUploaded(MessageId, "S03-T002", "S03", 1076, [], [], Now) },
        { AgentMessageTypes.Command, () => new AgentCommand(CommandId, "S03-T002", CommandKind.SwitchNetwork, Now, Now.AddMinutes(5), Network: "cellular") },
        { AgentMessageTypes.Command, () => new AgentCommand(CommandId, "S03-T002", CommandKind.ShowCustomerNotice, Now, Now.AddMinutes(5), NoticeEn: "Card payments are down <here> & now", NoticeZh: "本收银台暂时无法刷卡") },
        { AgentMessageTypes.Command, () => new AgentCommand(CommandId, "S03-T002", CommandKind.UploadOfflineTransactions, Now, Now.AddMinutes(5)) },
        { "incident-opened", () => new IncidentOpened(MessageId, CommandId, "S03-T002", "S03", "printer", "PAPER_OUT", Severity.Degraded, Now, Now.ToUniversalTime().AddMilliseconds(112)) },
        { "incident-resolved", () => new IncidentResolved(MessageId, CommandId, "S03-T002", "S03", "PAPER_OUT", "fault cleared by the device", Now, Now.ToUniversalTime()) },
        { "incident-opened", () => new IncidentOpened(MessageId, CommandId, "S03-T002", "S03", "network", "WIFI_DOWN", Severity.Blocking, Now, Now, "east", ["mall", "24h"], CommandId) },
        { "store-outage-detected", () => new StoreOutageDetected(MessageId, CommandId, "S03", "network", ["S03-T001", "S03-T002"], 4, Now, Now) },
        { "store-outage-detected", () => new StoreOutageDetected(MessageId, CommandId, "S03", "silent", ["S03-T001", "S03-T002"], 2, Now, Now, "east", ["mall"]) },
        { "store-outage-resolved", () => new StoreOutageResolved(MessageId, CommandId, "S03", "terminals trade again", Now, Now) },
        { "platform-outage-detected", () => new PlatformOutageDetected(MessageId, CommandId, "no-heartbeats", 0, 1000, Now, Now) },
        { "platform-outage-resolved", () => new PlatformOutageResolved(MessageId, CommandId, "heartbeats flow again", Now, Now) },
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void GivenARecordBuiltInCode_WhenWrittenWithWireJson_ThenItConformsToItsMessage(string message, Func<object> create)
    {
        var record = create();
        var json = JsonSerializer.Serialize(record, record.GetType(), WireJson.Options);

        var errors = Contract.Validate(message, json);

        Assert.True(errors.Count == 0, $"{json}\n{string.Join("\n", errors)}");
    }

    [Fact]
    public void GivenEveryValueOfEveryWireEnum_WhenWrittenInACommandResultOrIncident_ThenItConforms()
    {
        var bodies = Enum.GetValues<CommandKind>().SelectMany(kind => Enum.GetValues<CommandStatus>().Select(status =>
                (AgentMessageTypes.CommandResult, JsonSerializer.Serialize(new CommandResult(MessageId, "S03-T002", "S03", 1, CommandId, kind, status, "done", 5, Now), WireJson.Options))))
            .Concat(Enum.GetValues<CommandKind>().Select(kind =>
                (AgentMessageTypes.Command, JsonSerializer.Serialize(new AgentCommand(CommandId, "S03-T002", kind, Now, Now.AddMinutes(1)), WireJson.Options))))
            .Concat(Enum.GetValues<Severity>().Select(severity =>
                ("incident-opened", JsonSerializer.Serialize(new IncidentOpened(MessageId, CommandId, "S03-T002", "S03", "display", "DISPLAY_UNRESPONSIVE", severity, Now, Now), WireJson.Options))))
            .Concat(Enum.GetValues<ComponentStatus>().Select(status =>
                (AgentMessageTypes.Heartbeat, JsonSerializer.Serialize(new Heartbeat(MessageId, "S03-T002", "S03", 1, [new ComponentHealth("keypad", status)], new NetworkState("cellular", 40), "4.2.0", "android-12", 0, Now), WireJson.Options))));

        Assert.All(bodies, b => Assert.Empty(Contract.Validate(b.Item1, b.Item2)));
    }

    [Theory]
    [MemberData(nameof(RecordTypes))]
    public void GivenAWireRecord_WhenComparedWithItsSchema_ThenPropertiesRequiredAndTypesMatchItsConstructor(string typeName)
    {
        var type = WireRecords.Single(t => t.Name == typeName);
        var parameters = PrimaryConstructor(type).GetParameters();
        var schema = Schemas.GetProperty(typeName);
        var properties = schema.GetProperty("properties");
        var nullability = new NullabilityInfoContext();

        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(parameters.Select(p => Camel(p.Name!)), properties.EnumerateObject().Select(p => p.Name));
        Assert.Equal(parameters.Where(p => !p.HasDefaultValue).Select(p => Camel(p.Name!)), schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        foreach (var parameter in parameters)
        {
            var property = properties.GetProperty(Camel(parameter.Name!));
            var nullable = nullability.Create(parameter).ReadState == NullabilityState.Nullable;
            AssertSchemaFits(parameter.ParameterType, nullable, property, $"{typeName}.{parameter.Name}");
        }
    }

    [Fact]
    public void GivenTheAgentMessageRecords_WhenListed_ThenTheDocumentNamesEachAndEveryRecordOnTheWireHasASchema()
    {
        var agentMessages = typeof(WireJson).Assembly.GetExportedTypes().Where(t => t.IsClass && typeof(IAgentMessage).IsAssignableFrom(t));
        var named = MessageRecords.ToList();

        Assert.All(agentMessages, t => Assert.Contains(t, named));
        Assert.Contains(typeof(AgentCommand), named);
        Assert.Contains(typeof(IncidentOpened), named);
        Assert.Contains(typeof(IncidentResolved), named);
        Assert.Equal(19, named.Count);
        Assert.Equal(23, WireRecords.Count);
        Assert.All(WireRecords, t => Assert.True(Schemas.TryGetProperty(t.Name, out _), $"no schema {t.Name}"));
    }

    [Fact]
    public void GivenEveryWireEnum_WhenItsValuesAreWritten_ThenTheSchemaListsExactlyThoseStrings()
    {
        foreach (var type in WireEnums)
        {
            var written = Enum.GetValues(type).Cast<object>().Select(v => JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(v, type, WireJson.Options)));
            var listed = Schemas.GetProperty(type.Name).GetProperty("enum").EnumerateArray().Select(e => e.GetString());

            Assert.Equal(written, listed);
        }
    }

    public static TheoryData<string, string, string?, string> Violations => new()
    {
        // message, JSON pointer into the valid body, replacement JSON (null: remove), what the error must name
        { AgentMessageTypes.Heartbeat, "/deviceId", null, "deviceId" },
        { AgentMessageTypes.FaultReported, "/deviceId", null, "deviceId" },
        { "incident-opened", "/severity", "\"BLOCKING\"", "/severity" },
        { "incident-opened", "/severity", "2", "/severity" },
        { AgentMessageTypes.FaultCleared, "/firmware", "\"1.0\"", "'firmware'" },
        { AgentMessageTypes.Heartbeat, "/components/0/battery", "12", "'battery'" },
        { AgentMessageTypes.FaultReported, "/sequence", "-1", "/sequence" },
        { AgentMessageTypes.FaultReported, "/sequence", "\"1043\"", "/sequence" },
        { AgentMessageTypes.FaultReported, "/deviceId", "\"S03 T002\"", "/deviceId" },
        { AgentMessageTypes.FaultReported, "/deviceId", "\"\"", "/deviceId" },
        { AgentMessageTypes.FaultReported, "/storeId", "\"S03-S03-S03-S03-S03-S03-S03-S03-S03-S03-S03-S03-S03-S03-S03-S03-S03\"", "/storeId" },
        { AgentMessageTypes.FaultReported, "/messageId", "\"0192f3a07b1c7c008a00000000000002x\"", "/messageId" },
        { AgentMessageTypes.FaultReported, "/occurredAt", "\"2026-11-25T09:15:04\"", "/occurredAt" },
        { AgentMessageTypes.FaultReported, "/occurredAt", "\"2026-11-25 09:15:04+08:00\"", "/occurredAt" },
        { AgentMessageTypes.FaultReported, "/occurredAt", "\"2026-11-25T09:15:04+0800\"", "/occurredAt" },
        { "incident-resolved", "/recordedAt", "\"2026-11-25t01:21:40z\"", "/recordedAt" },
        { AgentMessageTypes.FaultReported, "/code", "null", "/code" },
        { AgentMessageTypes.Heartbeat, "/components/1/status", "\"Faulted\"", "/components/1/status" },
        { AgentMessageTypes.Heartbeat, "/network/signalPercent", "101", "/network/signalPercent" },
        { AgentMessageTypes.OfflineTransactions, "/transactions/0/amount", "\"12.50\"", "/transactions/0/amount" },
        { AgentMessageTypes.OfflineTransactions, "/journalTotals/0/currency", "\"yuan\"", "/journalTotals/0/currency" },
        { AgentMessageTypes.Command, "/kind", "\"switch_network\"", "/kind" },
        { AgentMessageTypes.CommandResult, "/status", "\"ok\"", "/status" },
        { AgentMessageTypes.NetworkSwitched, "/to", "\"5g\"", "/to" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public void GivenABodyThatBreaksTheContract_WhenValidated_ThenAnErrorNamesTheProblem(string message, string pointer, string? replacement, string named)
    {
        var body = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", message + ".json")))!;
        Assert.Empty(Contract.Validate(message, body.ToJsonString()));
        Mutate(body, pointer, replacement);

        var errors = Contract.Validate(message, body.ToJsonString());

        Assert.NotEmpty(errors);
        Assert.True(errors.Any(e => e.Contains(named, StringComparison.Ordinal)), $"no error names {named}: {string.Join(" | ", errors)}");
    }

    [Fact]
    public void GivenABodyThatIsNotJson_WhenValidated_ThenTheErrorSaysSo()
    {
        var errors = Contract.Validate(AgentMessageTypes.Heartbeat, "{\"messageId\":");

        Assert.Contains(errors, e => e.Contains("not JSON", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAnUnknownMessageName_WhenValidated_ThenItThrowsListingTheKnownNames()
    {
        var error = Assert.Throws<ArgumentException>(() => Contract.Validate("heart-beat", "{}"));

        Assert.Contains(AgentMessageTypes.Heartbeat, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAgentHeaders_WhenTheSignatureIsMissingOrMalformed_ThenTheHeadersAreRefused()
    {
        Assert.Empty(Contract.ValidateHeaders(AgentMessageTypes.FaultReported, """{"x-posops-signature":"O5QhwPHE7ID+Q+FDeY1ygGm/+P1oUAb0/K1lnOzce1o=","traceparent":"00-1-2-01"}"""));
        Assert.Contains(Contract.ValidateHeaders(AgentMessageTypes.FaultReported, "{}"), e => e.Contains(WireNames.SignatureHeader, StringComparison.Ordinal));
        Assert.Contains(Contract.ValidateHeaders(AgentMessageTypes.FaultReported, """{"x-posops-signature":"sha256=abc"}"""), e => e.Contains("/x-posops-signature", StringComparison.Ordinal));
    }

    private static ConstructorInfo PrimaryConstructor(Type type) => type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();

    private static string Camel(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    private static void Mutate(JsonNode root, string pointer, string? replacement)
    {
        var segments = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var parent = segments[..^1].Aggregate(root, (node, s) => int.TryParse(s, out var i) ? node[i]! : node[s]!);
        var last = segments[^1];
        var value = replacement is null ? null : JsonNode.Parse(replacement);
        if (parent is JsonArray array)
        {
            array[int.Parse(last, CultureInfo.InvariantCulture)] = value;
        }
        else if (replacement is null)
        {
            Assert.True(parent.AsObject().Remove(last), $"{pointer} is not in the example");
        }
        else
        {
            parent[last] = value;
        }
    }

    private static JsonElement Resolve(JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            Assert.True(AsyncApiDocumentTests.TryResolve(Contract.Document, reference.GetString()![1..], out schema), $"{reference} resolves");
        }

        return schema;
    }

    private static void AssertSchemaFits(Type type, bool nullable, JsonElement property, string what)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        nullable |= underlying is not null;
        type = underlying ?? type;
        var schema = Resolve(property);
        var types = schema.TryGetProperty("type", out var t)
            ? (t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()!).ToList() : [t.GetString()!])
            : [];

        Assert.True(nullable == types.Contains("null"), $"{what}: null is {(nullable ? "" : "not ")}allowed in the record");
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        if (type == typeof(Guid) || type == typeof(DateTimeOffset))
        {
            Assert.Contains("string", types);
            Assert.Equal(type == typeof(Guid) ? "uuid" : "date-time", format);
        }
        else if (type == typeof(string))
        {
            Assert.Contains("string", types);
        }
        else if (type == typeof(long) || type == typeof(int))
        {
            Assert.Contains("integer", types);
            Assert.True(schema.GetProperty("maximum").GetDecimal() <= (type == typeof(int) ? int.MaxValue : long.MaxValue), $"{what}: maximum fits {type.Name}");
        }
        else if (type == typeof(decimal))
        {
            Assert.Equal(["number"], types);
        }
        else if (type.IsEnum)
        {
            Assert.Equal("#/components/schemas/" + type.Name, property.GetProperty("$ref").GetString());
        }
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            Assert.Equal(["array"], types.Where(t => t != "null"));
            var item = type.GetGenericArguments()[0];
            var items = schema.GetProperty("items");
            if (item == typeof(string))
            {
                // A list of plain strings (tags) or of a named string schema (device ids).
                Assert.True(items.TryGetProperty("$ref", out _) || items.GetProperty("type").GetString() == "string", $"{what}: items are strings");
            }
            else
            {
                Assert.Equal("#/components/schemas/" + item.Name, items.GetProperty("$ref").GetString());
            }
        }
        else
        {
            Assert.Equal("#/components/schemas/" + type.Name, property.GetProperty("$ref").GetString());
        }
    }
}
