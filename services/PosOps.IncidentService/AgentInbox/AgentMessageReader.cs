using System.Text.Json;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using Wire = PosOps.Contracts.Agent;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>A message read off an agent queue: either a valid message or the reason it is rejected.</summary>
public readonly record struct ReadResult(IAgentMessage? Message, string? Rejection)
{
    public static ReadResult Reject(string reason) => new(null, reason);
}

/// <summary>
/// Turns raw AMQP bodies into agent messages, or into a reason for the error queue
/// (design principle 7: bad input never stops the line). The JSON is read with <see cref="WireJson.Strict"/>, so
/// what the AsyncAPI schema refuses is refused here too; <see cref="AgentMessageRules"/> checks the rest.
/// Pure, so it is unit tested without a broker.
/// </summary>
public static class AgentMessageReader
{
    /// <param name="type">The AMQP <c>type</c> property, if the publisher set one.</param>
    /// <param name="acceptedTypes">Types this queue carries; the first one is assumed when <paramref name="type"/> is missing and it is the only one.</param>
    public static ReadResult Read(ReadOnlySpan<byte> body, string? type, IReadOnlyList<string> acceptedTypes, int maxBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(acceptedTypes);
        if (body.Length == 0)
        {
            return ReadResult.Reject("empty body");
        }

        if (body.Length > maxBodyBytes)
        {
            return ReadResult.Reject($"body of {body.Length} bytes exceeds the limit of {maxBodyBytes} bytes");
        }

        if (string.IsNullOrEmpty(type))
        {
            if (acceptedTypes.Count != 1)
            {
                return ReadResult.Reject($"missing AMQP 'type' property; expected one of: {string.Join(", ", acceptedTypes)}");
            }

            type = acceptedTypes[0];
        }

        if (!acceptedTypes.Contains(type, StringComparer.Ordinal))
        {
            return ReadResult.Reject($"unknown message type '{type}' on this queue; expected one of: {string.Join(", ", acceptedTypes)}");
        }

        IAgentMessage? message;
        try
        {
            message = type switch
            {
                AgentMessageTypes.Heartbeat => JsonSerializer.Deserialize<Heartbeat>(body, WireJson.Strict),
                AgentMessageTypes.FaultReported => JsonSerializer.Deserialize<FaultReported>(body, WireJson.Strict),
                AgentMessageTypes.FaultCleared => JsonSerializer.Deserialize<Wire.FaultCleared>(body, WireJson.Strict),
                AgentMessageTypes.NetworkSwitched => JsonSerializer.Deserialize<Wire.NetworkSwitched>(body, WireJson.Strict),
                AgentMessageTypes.CommandResult => JsonSerializer.Deserialize<CommandResult>(body, WireJson.Strict),
                AgentMessageTypes.OfflineTransactions => JsonSerializer.Deserialize<Wire.OfflineTransactionsUploaded>(body, WireJson.Strict),
                _ => null,
            };
        }
        catch (JsonException e)
        {
            // A converter's own message has no path; add it so the reason says which field.
            var at = e.Path is { } path && !e.Message.Contains(path, StringComparison.Ordinal) ? $" (at {path})" : "";
            return ReadResult.Reject($"malformed {type} JSON: {e.Message}{at}");
        }

        if (message is null)
        {
            return ReadResult.Reject($"body is not a {type} object");
        }

        var problem = AgentMessageRules.Check(message);
        return problem is null ? new ReadResult(message, null) : ReadResult.Reject(problem);
    }
}
