using System.Collections.Immutable;
using PosOps.Contracts.Agent;
using PosOps.Contracts.Commands;
using PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Incidents;

public abstract record DeviceCommand(Guid MessageId, string DeviceId, string StoreId, long Sequence, DateTimeOffset OccurredAt, DateTimeOffset Now);

/// <summary>The agent reported a fault. <paramref name="NewIncidentId"/> is used only if an incident opens.</summary>
public sealed record RecordFault(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, string Component, string FaultCode, Severity Severity,
    DateTimeOffset OccurredAt, Guid NewIncidentId, DateTimeOffset Now)
    : DeviceCommand(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);

/// <summary>The agent reported that a fault cleared.</summary>
public sealed record RecordFaultCleared(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, string Component, string FaultCode,
    DateTimeOffset OccurredAt, DateTimeOffset Now)
    : DeviceCommand(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);

/// <summary>Ops or a runbook sends a remediation command to the terminal (server-side: no agent sequence).</summary>
public sealed record IssueRemediationCommand(
    string DeviceId, Guid CommandId, CommandKind Command, string? Network, string? NoticeEn, string? NoticeZh, string IssuedBy, DateTimeOffset ExpiresAt, DateTimeOffset Now)
    : DeviceCommand(CommandId, DeviceId, "", long.MaxValue, Now, Now);

/// <summary>The agent reported a network switch.</summary>
public sealed record RecordNetworkSwitch(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, string From, string To, string Reason, DateTimeOffset OccurredAt, DateTimeOffset Now)
    : DeviceCommand(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);

/// <summary>The agent answered a command.</summary>
public sealed record RecordCommandResult(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, Guid CommandId, CommandKind Command, CommandStatus Status, string Detail,
    long DurationMilliseconds, DateTimeOffset OccurredAt, DateTimeOffset Now)
    : DeviceCommand(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);

/// <summary>
/// Offline transactions arrived. <paramref name="NewTransactions"/> are the ones the server did not
/// have yet (the store of transactions decided that, by transaction id).
/// </summary>
public sealed record RecordOfflineTransactions(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, IReadOnlyList<OfflineTransaction> NewTransactions, int Duplicates,
    IReadOnlyList<CurrencyTotal> JournalTotals, DateTimeOffset OccurredAt, DateTimeOffset Now)
    : DeviceCommand(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);

/// <summary>
/// Pure decide/evolve/initial for one device (the Decider pattern). Decide: state + command → events. An empty result means "nothing changed"
/// (a replay, a late message, or a fault that is already open): that is how redelivery stays harmless.
/// </summary>
public static class DeviceDecider
{
    public static Device Initial(string deviceId) =>
        new(deviceId, null, -1, ImmutableDictionary<string, OpenIncident>.Empty.WithComparers(StringComparer.Ordinal));

    public static Device Evolve(Device state, IDeviceEvent @event) => @event switch
    {
        FaultDetected e => state with { StoreId = e.StoreId, LastSequence = Math.Max(state.LastSequence, e.Sequence) },
        IncidentOpened e => state with
        {
            OpenIncidents = state.OpenIncidents.SetItem(e.FaultCode, new OpenIncident(e.IncidentId, e.Component, e.FaultCode, e.Severity, e.OccurredAt)),
        },
        FaultCleared e => state with { LastSequence = Math.Max(state.LastSequence, e.Sequence) },
        IncidentResolved e => state with { OpenIncidents = state.OpenIncidents.Remove(e.FaultCode) },
        NetworkSwitched e => state with { ActiveLink = e.To, LastSequence = Math.Max(state.LastSequence, e.Sequence) },
        CommandIssued => state,
        CommandAnswered e => state with { LastSequence = Math.Max(state.LastSequence, e.Sequence) },
        OfflineTransactionsUploaded e => state with
        {
            LastSequence = Math.Max(state.LastSequence, e.Sequence),
            OfflineTotals = Add(state.OfflineTotals, e.Totals),
        },
        _ => throw new InvalidOperationException($"Device cannot evolve with {@event.GetType().Name}"),
    };

    /// <summary>
    /// Reconciliation: after this upload, does the server hold, per currency, exactly the count and
    /// amount the terminal's journal says it holds?
    /// </summary>
    private static OfflineTransactionsUploaded Uploaded(RecordOfflineTransactions c, Device state)
    {
        var totals = Totals(c.NewTransactions);
        var after = Add(state.OfflineTotals, totals);
        var differences = c.JournalTotals
            .Select(j => (Journal: j, Server: after.GetValueOrDefault(j.Currency) ?? new CurrencyTotal(j.Currency, 0, 0)))
            .Where(p => p.Journal.Count != p.Server.Count || p.Journal.Amount != p.Server.Amount)
            .Select(p => $"{p.Journal.Currency}: journal {p.Journal.Count} / {p.Journal.Amount}, server {p.Server.Count} / {p.Server.Amount}")
            .Concat(after.Keys.Except(c.JournalTotals.Select(j => j.Currency)).Select(cur => $"{cur}: on the server but not in the journal"))
            .ToList();
        var reconciliation = differences.Count == 0
            ? "journal and server agree: " + string.Join(", ", c.JournalTotals.Select(j => $"{j.Count} {j.Currency} {j.Amount}"))
            : "not yet reconciled: " + string.Join("; ", differences);
        return new OfflineTransactionsUploaded(c.DeviceId, c.NewTransactions.Count, totals, c.Duplicates, c.JournalTotals, differences.Count == 0, reconciliation,
            c.MessageId, c.Sequence, c.OccurredAt);
    }

    private static IReadOnlyList<CurrencyTotal> Totals(IEnumerable<OfflineTransaction> transactions) =>
        [.. transactions.GroupBy(t => t.Currency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CurrencyTotal(g.Key, g.Count(), g.Sum(t => t.Amount)))];

    private static ImmutableDictionary<string, CurrencyTotal> Add(ImmutableDictionary<string, CurrencyTotal> running, IEnumerable<CurrencyTotal> more) =>
        more.Aggregate(running, (acc, t) => acc.SetItem(t.Currency, acc.TryGetValue(t.Currency, out var have)
            ? have with { Count = have.Count + t.Count, Amount = have.Amount + t.Amount }
            : t));

    public static Device Rebuild(string deviceId, IEnumerable<IDeviceEvent> events) =>
        events.Aggregate(Initial(deviceId), Evolve);

    public static IDeviceEvent[] Decide(DeviceCommand command, Device state)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        if (!string.Equals(command.DeviceId, state.Id, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Command for device '{command.DeviceId}' sent to stream '{state.Id}'");
        }

        if (command is not IssueRemediationCommand && command.Sequence <= state.LastSequence)
        {
            return [];
        }

        return command switch
        {
            RecordFault c when state.OpenIncidents.ContainsKey(c.FaultCode) => [],
            RecordFault c =>
            [
                new FaultDetected(c.DeviceId, c.StoreId, c.Component, c.FaultCode, c.Severity, c.MessageId, c.Sequence, c.OccurredAt),
                new IncidentOpened(c.DeviceId, c.NewIncidentId, c.StoreId, c.Component, c.FaultCode, c.Severity, c.OccurredAt),
            ],
            RecordFaultCleared c when state.OpenIncidents.TryGetValue(c.FaultCode, out var open) =>
            [
                new FaultCleared(c.DeviceId, c.Component, c.FaultCode, c.MessageId, c.Sequence, c.OccurredAt),
                new IncidentResolved(c.DeviceId, open.IncidentId, c.StoreId, c.FaultCode, "fault cleared by the device", c.OccurredAt),
            ],
            RecordFaultCleared => [],
            IssueRemediationCommand c when c.ExpiresAt <= c.Now => throw new InvalidOperationException("the command would expire before it is sent"),
            IssueRemediationCommand c => [new CommandIssued(c.DeviceId, c.CommandId, c.Command, c.Network, c.NoticeEn, c.NoticeZh, c.IssuedBy, c.ExpiresAt, c.Now)],
            RecordNetworkSwitch c => [new NetworkSwitched(c.DeviceId, c.From, c.To, c.Reason, c.MessageId, c.Sequence, c.OccurredAt)],
            RecordCommandResult c => [new CommandAnswered(c.DeviceId, c.CommandId, c.Command, c.Status, c.Detail, c.DurationMilliseconds, c.MessageId, c.Sequence, c.OccurredAt)],
            RecordOfflineTransactions c => [Uploaded(c, state)],
            _ => throw new InvalidOperationException($"Unknown device command {command.GetType().Name}"),
        };
    }
}
