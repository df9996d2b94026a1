using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using PosOps.Contracts;
using PosOps.Contracts.Tests;
using PosOps.IncidentService.AgentInbox;

namespace PosOps.IncidentService.Tests.AgentInbox;

/// <summary>
/// Fuzzing the inbox with mutations of the valid examples: whatever it accepts is valid by the
/// AsyncAPI schema (the contract, read by an independent JSON Schema validator), and means what the body says.
/// </summary>
public class AgentMessageFuzzProperties
{
    private static readonly string[] Types =
    [
        AgentMessageTypes.Heartbeat, AgentMessageTypes.FaultReported, AgentMessageTypes.FaultCleared,
        AgentMessageTypes.NetworkSwitched, AgentMessageTypes.CommandResult, AgentMessageTypes.OfflineTransactions,
    ];

    // Values a hostile or careless client sends: wrong types, out of range, near misses of valid ones.
    private static readonly string[] Values =
    [
        "\"7\"", "-1", "0", "1", "100", "101", "150", "1.5", "1e3", "9223372036854775807", "9223372036854775808", "null", "true", "{}", "[]", "[null]",
        "\"\"", "\" \"", "\"ok\"", "\"Ok\"", "\"faulted\"", "\"Faulted\"", "2", "\"2026-11-25T09:15:04\"", "\"2026-11-25T09:15:04+08:00\"",
        "\"2026-11-25T09:15:04.1234567Z\"", "\"2026-11-25t09:15:04z\"", "\"0001-01-01T00:00:00Z\"", "\"moon\"", "\"none\"", "\"wifi\"", "\"hotspot\"",
        "\"failover\"", "\"restart\"", "\"Restart\"", "\"refused\"", "\"x\\u0000y\"", "\"0192f3a0-7b1c-7c00-8a00-000000000009\"",
        "\"0192F3A0-7B1C-7C00-8A00-000000000009\"", "\"{0192f3a0-7b1c-7c00-8a00-000000000009}\"", "\"0192f3a07b1c7c008a00000000000009\"",
        "\"00000000-0000-0000-0000-000000000000\"", "\"PAPER_OUT\"", "\"WIFI_WEAK\"", "\"printer\"", "\"network\"", "\"S01 T001\"", "\"S03\"",
        "\"S03-T002\"", $"\"{new string('A', 65)}\"", "\"CNY\"", "\"cny\"", "12.50", "-12.50", "{\"component\":\"printer\",\"status\":\"ok\"}",
        "{\"currency\":\"CNY\",\"count\":1,\"amount\":1}", "{\"transactionId\":\"t1\",\"amount\":1,\"currency\":\"CNY\",\"takenAt\":\"2026-11-25T09:15:04Z\"}",
    ];

    private static readonly string[] Names = ["firmware", "Sequence", "DeviceId", "storeid", "code", "signalPercent", "$type", "__proto__", ""];

    private static readonly Gen<(string Type, string Body)> Mutated =
        Gen.Select(Gen.Int[0, Types.Length - 1].Select(i => Types[i]), Gen.Int[0, int.MaxValue].Array[1, 2], Gen.Int[0, 3])
            .Select(t => (t.Item1, Mutate(HostileMessageTests.Example(t.Item1), t.Item2, t.Item3)));

    [Fact]
    public void EveryExampleIsAccepted()
    {
        Assert.All(Types, t => Assert.Null(Read(HostileMessageTests.Example(t).ToJsonString(), t).Rejection));
    }

    [Fact]
    public void WhatIsAcceptedIsValidByTheContract_AndRoundTripsToTheSameMessage()
    {
        var accepted = 0;
        var rejected = 0;
        Mutated.Sample(
            m =>
            {
                var result = Read(m.Body, m.Type);
                if (result.Message is null)
                {
                    Interlocked.Increment(ref rejected);
                    Assert.False(string.IsNullOrWhiteSpace(result.Rejection));
                    return;
                }

                Interlocked.Increment(ref accepted);
                var errors = AsyncApiContract.Current.Validate(m.Type, m.Body);
                Assert.True(errors.Count == 0, $"accepted a body the contract refuses: {m.Body}\n{string.Join("\n", errors)}");

                // Written back, it is valid too and reads as the same message: nothing was read that the body did not say.
                var written = JsonSerializer.Serialize(result.Message, result.Message.GetType(), WireJson.Options);
                Assert.Empty(AsyncApiContract.Current.Validate(m.Type, written));
                var again = Read(written, m.Type);
                Assert.Equal(written, JsonSerializer.Serialize(again.Message, result.Message.GetType(), WireJson.Options));
            },
            iter: 4000);

        // The generator must exercise both sides, or the property says nothing.
        Assert.True(accepted > 40 && rejected > 1000, $"accepted {accepted}, rejected {rejected}");
    }

    private static ReadResult Read(string json, string type) =>
        AgentMessageReader.Read(Encoding.UTF8.GetBytes(json), type, [type], AgentInboxOptions.DefaultMaxBodyBytes);

    /// <param name="picks">Which node and which change, one mutation per pick.</param>
    /// <param name="kind">0-2: change values, names and members; 3: also repeat a property in the text.</param>
    private static string Mutate(JsonNode root, int[] picks, int kind)
    {
        foreach (var pick in picks)
        {
            var nodes = Containers(root).ToList();
            var container = nodes[pick % nodes.Count];
            var choice = pick / nodes.Count;
            var value = JsonNode.Parse(Values[choice % Values.Length]);
            if (container is JsonObject obj)
            {
                var keys = obj.Select(p => p.Key).ToList();
                var key = keys.Count == 0 ? null : keys[choice % keys.Count];
                switch ((choice / 7) % 4)
                {
                    case 0 when key is not null: obj[key] = value; break;
                    case 1 when key is not null: obj.Remove(key); break;
                    case 2 when key is { Length: > 0 } && !obj.ContainsKey(char.ToUpperInvariant(key[0]) + key[1..]):
                        var moved = obj[key];
                        obj.Remove(key);
                        obj[char.ToUpperInvariant(key[0]) + key[1..]] = moved;
                        break;
                    default: obj[Names[choice % Names.Length]] = value; break;
                }
            }
            else if (container is JsonArray array)
            {
                if (array.Count > 0 && choice % 2 == 0)
                {
                    array[choice % array.Count] = value;
                }
                else
                {
                    array.Add(value);
                }
            }
        }

        var text = root.ToJsonString();
        return kind == 3 ? text.Replace("{\"messageId\"", "{\"sequence\":5,\"messageId\"", StringComparison.Ordinal) : text;
    }

    private static IEnumerable<JsonNode> Containers(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().Where(c => c is JsonObject or JsonArray))
        {
            foreach (var inner in Containers(child))
            {
                yield return inner;
            }
        }
    }
}
