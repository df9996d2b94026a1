using System.Text.RegularExpressions;
using PosOps.Contracts.Agent;
using PosOps.IncidentService.Incidents;
using Wire = PosOps.Contracts.Agent;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>
/// What the AsyncAPI schemas say beyond the JSON shape (ids, ranges, the link and reason enums that are
/// plain strings in the records), plus the fault catalogue. Null when a message keeps every rule,
/// otherwise the first rule it breaks, named so the error queue says what to fix.
/// </summary>
public static partial class AgentMessageRules
{
    public const int MaxIdLength = 64;
    public const int MaxComponents = 64;
    public const int MaxTransactions = 5000;
    public const int MaxTransactionIdLength = 64;

    private static readonly string[] Links = ["ethernet", "wifi", "cellular", "hotspot"];
    private static readonly string[] LinksOrNone = [.. Links, "none"];
    private static readonly string[] SwitchReasons = ["failover", "failback", "command", "recovered"];

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    public static string? Check(IAgentMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return CheckCommonFields(message) ?? message switch
        {
            FaultReported f => CheckFault(f.Component, f.Code) ?? Text("detail", f.Detail),
            Wire.FaultCleared c => CheckFault(c.Component, c.Code),
            Heartbeat h => CheckHeartbeat(h),
            Wire.NetworkSwitched n => OneOf("from", n.From, LinksOrNone) ?? OneOf("to", n.To, LinksOrNone) ?? OneOf("reason", n.Reason, SwitchReasons),
            CommandResult r => CheckCommandResult(r),
            Wire.OfflineTransactionsUploaded u => CheckTransactions(u),
            _ => $"no rules for {message.GetType().Name}",
        };
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

    private static string? CheckFault(string component, string code)
    {
        if (!FaultCatalogue.Components.Contains(component))
        {
            return $"unknown component '{Truncate(component)}'; expected one of: {string.Join(", ", FaultCatalogue.Components)}";
        }

        return FaultCatalogue.TryFind(component, code, out _, out var problem) ? null : problem;
    }

    private static string? CheckHeartbeat(Heartbeat h)
    {
        if (h.Components.Count > MaxComponents)
        {
            return $"heartbeat lists more than {MaxComponents} components";
        }

        for (var i = 0; i < h.Components.Count; i++)
        {
            // Nullable annotations are not enforced on list items, so a null item arrives as null.
            if (h.Components[i] is not var (component, _, code))
            {
                return $"components[{i}] is null";
            }

            var problem = !FaultCatalogue.Components.Contains(component) ? $"unknown component '{Truncate(component)}'"
                : code is not null ? CheckFault(component, code)
                : null;
            if (problem is not null)
            {
                return $"components[{i}]: {problem}";
            }
        }

        return OneOf("network.mode", h.Network.Mode, Links)
            ?? (h.Network.SignalPercent is < 0 or > 100 ? $"network.signalPercent must be 0-100, got {h.Network.SignalPercent}" : null)
            ?? (h.OfflineJournalDepth < 0 ? $"offlineJournalDepth must be 0 or more, got {h.OfflineJournalDepth}" : null)
            ?? Text("appVersion", h.AppVersion)
            ?? Text("osVersion", h.OsVersion);
    }

    private static string? CheckCommandResult(CommandResult r) =>
        r.CommandId == Guid.Empty ? "commandId is missing"
        : r.DurationMilliseconds < 0 ? $"durationMilliseconds must be 0 or more, got {r.DurationMilliseconds}"
        : Text("detail", r.Detail);

    private static string? CheckTransactions(Wire.OfflineTransactionsUploaded upload)
    {
        if (upload.Transactions.Count is 0 or > MaxTransactions)
        {
            return $"offline-transactions needs 1-{MaxTransactions} transactions";
        }

        if (upload.Transactions.Contains(null) || upload.JournalTotals.Contains(null))
        {
            return "transactions and journalTotals must not contain null";
        }

        var bad = upload.Transactions.FirstOrDefault(t => string.IsNullOrWhiteSpace(t.TransactionId) || t.TransactionId.Length > MaxTransactionIdLength
            || t.Amount <= 0 || !CurrencyPattern().IsMatch(t.Currency) || Text("reference", t.Reference) is not null);
        if (bad is not null)
        {
            return $"transaction '{Truncate(bad.TransactionId)}' needs an id (1-{MaxTransactionIdLength} characters), a positive amount, an ISO 4217 currency and no NUL in its reference";
        }

        var total = upload.JournalTotals.FirstOrDefault(t => !CurrencyPattern().IsMatch(t.Currency) || t.Count < 0 || t.Amount < 0);
        return total is null ? null : $"journal total '{Truncate(total.Currency)}' needs an ISO 4217 currency, a count and an amount of 0 or more";
    }

    private static string? OneOf(string field, string value, string[] allowed) =>
        allowed.Contains(value, StringComparer.Ordinal) ? null : $"{field} '{Truncate(value)}' must be one of: {string.Join(", ", allowed)}";

    // Free text is stored as jsonb, which cannot hold U+0000: refused here rather than failing the batch's commit.
    private static string? Text(string field, string? value) =>
        value is not null && value.Contains('\0', StringComparison.Ordinal) ? $"{field} contains a NUL character" : null;

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
