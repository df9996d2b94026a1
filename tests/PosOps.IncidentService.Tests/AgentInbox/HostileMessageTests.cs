using System.Text;
using System.Text.Json.Nodes;
using PosOps.Contracts;
using PosOps.IncidentService.AgentInbox;

namespace PosOps.IncidentService.Tests.AgentInbox;

/// <summary>
/// The hostile messages an independent client got accepted, and their relatives: each is one change to a
/// valid example body, and each must be rejected with a reason that names what is wrong.
/// </summary>
public class HostileMessageTests
{
    private static readonly int Limit = new AgentInboxOptions().MaxBodyBytes;

    public static TheoryData<string, string, string?, string> Hostile => new()
    {
        // message type, JSON pointer in its example, replacement JSON (null: remove), what the reason must say
        { AgentMessageTypes.FaultReported, "/firmware", "\"1.0\"", "'firmware' could not be mapped" },
        { AgentMessageTypes.Heartbeat, "/components/0/battery", "12", "'battery' could not be mapped" },
        { AgentMessageTypes.Heartbeat, "/network/ssid", "\"shop\"", "'ssid' could not be mapped" },
        { AgentMessageTypes.FaultReported, "/sequence", "\"1043\"", "$.sequence" },
        { AgentMessageTypes.FaultReported, "/sequence", "1043.5", "$.sequence" },
        { AgentMessageTypes.FaultReported, "/sequence", "9223372036854775808", "$.sequence" },
        { AgentMessageTypes.FaultReported, "/sequence", "-1", "sequence must be 0 or more" },
        { AgentMessageTypes.Heartbeat, "/components/1/status", "2", "ComponentStatus must be a string" },
        { AgentMessageTypes.Heartbeat, "/components/1/status", "\"Faulted\"", "'Faulted' is not a ComponentStatus" },
        { AgentMessageTypes.CommandResult, "/command", "5", "CommandKind must be a string" },
        { AgentMessageTypes.CommandResult, "/status", "\"OK\"", "'OK' is not a CommandStatus" },
        { AgentMessageTypes.FaultReported, "/occurredAt", "\"2026-11-25T09:15:04\"", "must be RFC 3339" },
        { AgentMessageTypes.FaultReported, "/occurredAt", "\"2026-11-25 09:15:04+08:00\"", "must be RFC 3339" },
        { AgentMessageTypes.FaultReported, "/occurredAt", "\"2026-13-25T09:15:04+08:00\"", "not a real date" },
        { AgentMessageTypes.OfflineTransactions, "/transactions/0/takenAt", "\"2026-11-25T09:15:04\"", "$.transactions[0].takenAt" },
        { AgentMessageTypes.FaultReported, "/component", "\"coffee-machine\"", "unknown component 'coffee-machine'" },
        { AgentMessageTypes.FaultReported, "/code", "\"COFFEE_EMPTY\"", "unknown fault code 'COFFEE_EMPTY'" },
        { AgentMessageTypes.FaultReported, "/code", "\"WIFI_DOWN\"", "belongs to component 'network'" },
        { AgentMessageTypes.FaultCleared, "/component", "\"Printer\"", "unknown component 'Printer'" },
        { AgentMessageTypes.Heartbeat, "/components/0/component", "\"toaster\"", "components[0]: unknown component 'toaster'" },
        { AgentMessageTypes.Heartbeat, "/components/1/code", "\"TONER_LOW\"", "components[1]: unknown fault code 'TONER_LOW'" },
        { AgentMessageTypes.Heartbeat, "/components/0", "null", "components[0] is null" },
        { AgentMessageTypes.Heartbeat, "/network/signalPercent", "150", "signalPercent must be 0-100, got 150" },
        { AgentMessageTypes.Heartbeat, "/network/signalPercent", "-1", "signalPercent must be 0-100, got -1" },
        { AgentMessageTypes.Heartbeat, "/network/mode", "\"5g\"", "network.mode '5g' must be one of" },
        { AgentMessageTypes.Heartbeat, "/offlineJournalDepth", "-3", "offlineJournalDepth must be 0 or more, got -3" },
        { AgentMessageTypes.Heartbeat, "/appVersion", "null", "$.appVersion" },
        { AgentMessageTypes.NetworkSwitched, "/to", "\"moon\"", "to 'moon' must be one of" },
        { AgentMessageTypes.NetworkSwitched, "/reason", "\"bored\"", "reason 'bored' must be one of" },
        { AgentMessageTypes.CommandResult, "/durationMilliseconds", "-5", "durationMilliseconds must be 0 or more" },
        { AgentMessageTypes.OfflineTransactions, "/journalTotals/0/count", "-1", "journal total" },
        { AgentMessageTypes.OfflineTransactions, "/transactions/0/currency", "\"yuan\"", "ISO 4217" },
        { AgentMessageTypes.OfflineTransactions, "/transactions/0/amount", "\"12.50\"", "$.transactions[0].amount" },
        { AgentMessageTypes.FaultReported, "/detail", "\"tray\\u0000empty\"", "detail contains a NUL character" },
        { AgentMessageTypes.FaultReported, "/storeId", "\"S03; drop\"", "storeId 'S03; drop'" },
        { AgentMessageTypes.FaultReported, "/deviceId", null, "deviceId" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void GivenAHostileMessage_WhenRead_ThenItIsRejectedNamingTheProblem(string type, string pointer, string? replacement, string reason)
    {
        var body = Example(type);
        Assert.Null(Read(body.ToJsonString(), type).Rejection);
        Mutate(body, pointer, replacement);

        var result = Read(body.ToJsonString(), type);

        Assert.Null(result.Message);
        Assert.Contains(reason, result.Rejection, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAPropertyNameInTheWrongCase_WhenRead_ThenItIsUnknown()
    {
        var json = Example(AgentMessageTypes.FaultReported).ToJsonString().Replace("\"sequence\"", "\"Sequence\"", StringComparison.Ordinal);

        Assert.Contains("'Sequence' could not be mapped", Read(json, AgentMessageTypes.FaultReported).Rejection, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAPropertyTwice_WhenRead_ThenRejected_SoTheSignedValueIsTheOneRead()
    {
        var json = Example(AgentMessageTypes.FaultReported).ToJsonString().Replace("{\"messageId\"", "{\"sequence\":1,\"messageId\"", StringComparison.Ordinal);

        Assert.Contains("Duplicate", Read(json, AgentMessageTypes.FaultReported).Rejection, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void GivenA70KilobyteBody_WhenReadWithTheDefaultLimit_ThenRejectedUnreadNaming64KiB()
    {
        var body = Example(AgentMessageTypes.FaultReported);
        body["detail"] = new string('x', 70_000);

        var result = Read(body.ToJsonString(), AgentMessageTypes.FaultReported);

        Assert.Equal(65_536, Limit);
        Assert.Contains("exceeds the limit of 65536 bytes", result.Rejection, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenTheReadme_WhenItStatesTheBodyLimit_ThenItIsTheDefaultInCode()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));

        Assert.Contains($"| `AgentInbox:MaxBodyBytes` | `{Limit}` |", readme, StringComparison.Ordinal);
    }

    private static ReadResult Read(string json, string type) =>
        AgentMessageReader.Read(Encoding.UTF8.GetBytes(json), type, [type], Limit);

    internal static JsonNode Example(string type) => JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", type + ".json")))!;

    private static void Mutate(JsonNode root, string pointer, string? replacement)
    {
        var segments = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var parent = segments[..^1].Aggregate(root, (node, s) => int.TryParse(s, out var i) ? node[i]! : node[s]!);
        var value = replacement is null ? null : JsonNode.Parse(replacement);
        if (parent is JsonArray array)
        {
            array[int.Parse(segments[^1], System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else if (replacement is null)
        {
            Assert.True(parent.AsObject().Remove(segments[^1]), $"{pointer} is not in the example");
        }
        else
        {
            parent[segments[^1]] = value;
        }
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "PosOps.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("PosOps.sln not found above the test output");
    }
}
