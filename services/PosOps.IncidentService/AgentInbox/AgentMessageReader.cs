using System.Text.Json;
using System.Text.RegularExpressions;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using Wire = PosOps.Contracts.Agent;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>A message read off an agent queue: either a valid message or the reason it is rejected.</summary>
public readonly record struct ReadResult(IAgentMessage? Message, string? Rejection)
{
    public static ReadResult Reject(string reason) => new(null, reason);
}

/// <summary>
/// Turns raw AMQP bodies into agent messages, or into a reason for the error queue
/// (design principle 7: bad input never stops the line). Pure, so it is unit tested without a broker.
/// </summary>
public static partial class AgentMessageReader
{
    public const int MaxIdLength = 64;

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex IdPattern();

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
                AgentMessageTypes.Heartbeat => JsonSerializer.Deserialize<Heartbeat>(body, WireJson.Options),
                AgentMessageTypes.FaultReported => JsonSerializer.Deserialize<FaultReported>(body, WireJson.Options),
                AgentMessageTypes.FaultCleared => JsonSerializer.Deserialize<Wire.FaultCleared>(body, WireJson.Options),
                AgentMessageTypes.NetworkSwitched => JsonSerializer.Deserialize<Wire.NetworkSwitched>(body, WireJson.Options),
                AgentMessageTypes.CommandResult => JsonSerializer.Deserialize<CommandResult>(body, WireJson.Options),
                AgentMessageTypes.OfflineTransactions => JsonSerializer.Deserialize<Wire.OfflineTransactionsUploaded>(body, WireJson.Options),
                _ => null,
            };
        }
        catch (JsonException e)
        {
            return ReadResult.Reject($"malformed {type} JSON: {e.Message}");
        }

        if (message is null)
        {
            return ReadResult.Reject($"body is not a {type} object");
        }

        var problem = CheckCommonFields(message) ?? message switch
        {
            FaultReported f => CheckFault(f.Component, f.Code),
            Wire.FaultCleared c => CheckFault(c.Component, c.Code),
            Heartbeat h => CheckHeartbeat(h),
            Wire.NetworkSwitched n => string.IsNullOrWhiteSpace(n.From) || string.IsNullOrWhiteSpace(n.To) ? "network-switched needs from and to" : null,
            CommandResult r => r.CommandId == Guid.Empty ? "commandId is missing" : null,
            Wire.OfflineTransactionsUploaded u => CheckTransactions(u),
            _ => null,
        };
        return problem is null ? new ReadResult(message, null) : ReadResult.Reject(problem);
    }

    private static string? CheckCommonFields(IAgentMessage m)
    {
        if (m.MessageId == Guid.Empty)
        {
            return "messageId is missing";
        }

        return CheckId("deviceId", m.DeviceId)
            ?? CheckId("storeId", m.StoreId)
            ?? (m.Sequence < 0 ? $"sequence must be 0 or more, got {m.Sequence}" : null)
            ?? (m.OccurredAt == default ? "occurredAt is missing" : null);
    }

    private static string? CheckId(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"{field} is missing";
        }

        if (value.Length > MaxIdLength || !IdPattern().IsMatch(value))
        {
            return $"{field} '{Truncate(value)}' must be 1-{MaxIdLength} characters of letters, digits and . _ : -";
        }

        return null;
    }

    private static string? CheckFault(string? component, string? code)
    {
        if (string.IsNullOrWhiteSpace(component) || string.IsNullOrWhiteSpace(code))
        {
            return "component and code are required";
        }

        return FaultCatalogue.TryFind(component, code, out _, out var problem) ? null : problem;
    }

    private static string? CheckTransactions(Wire.OfflineTransactionsUploaded upload)
    {
        if (upload.Transactions is not { Count: > 0 and <= 5000 })
        {
            return "offline-transactions needs 1-5000 transactions";
        }

        var bad = upload.Transactions.FirstOrDefault(t => string.IsNullOrWhiteSpace(t.TransactionId) || t.TransactionId.Length > 64 || t.Amount <= 0
            || t.Currency is not { Length: 3 } || !t.Currency.All(char.IsAsciiLetterUpper));
        return bad is null ? null : $"transaction '{bad.TransactionId}' needs an id (at most 64 characters), a positive amount and an ISO 4217 currency";
    }

    private static string? CheckHeartbeat(Heartbeat h)
    {
        if (h.Components is null || h.Network is null)
        {
            return "heartbeat needs components and network";
        }

        return h.Components.Count > 64 ? "heartbeat lists more than 64 components" : null;
    }

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
