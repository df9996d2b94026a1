using System.Diagnostics;
using Microsoft.Extensions.Options;
using PosOps.Contracts.Agent;
using PosOps.Contracts.Commands;
using PosOps.TerminalAgent.Outbox;
using PosOps.TerminalAgent.Probes;
using PosOps.TerminalAgent.Terminals;

namespace PosOps.TerminalAgent.Remediation;

/// <summary>What a command did, and any messages it caused besides its result (e.g. a network switch).</summary>
public sealed record CommandOutcome(CommandStatus Status, string Detail, IReadOnlyList<Outgoing> Caused);

/// <summary>Runs the guide's remediation steps on a terminal.</summary>
public sealed class CommandExecutor(TerminalObserver observer, OfflineJournal.OfflineJournal journal, IOptions<AgentOptions> options, TimeProvider clock)
{
    public async Task<(CommandOutcome Outcome, long DurationMilliseconds)> ExecuteAsync(Terminal terminal, AgentCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(command);
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var outcome = command.Kind switch
        {
            CommandKind.Restart => Restart(terminal, now),
            CommandKind.SwitchNetwork => SwitchNetwork(terminal, command.Network, now),
            CommandKind.SelfTest => SelfTest(terminal),
            CommandKind.UpdateApp or CommandKind.ReinstallApp => Reinstall(terminal, command.Kind),
            CommandKind.UploadOfflineTransactions => await UploadAsync(terminal, cancellationToken),
            CommandKind.ShowCustomerNotice => ShowNotice(terminal, command, now),
            CommandKind.ClearCustomerNotice => ClearNotice(terminal, now),
            _ => new CommandOutcome(CommandStatus.Refused, $"unknown command {command.Kind}", []),
        };
        return (outcome, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private CommandOutcome Restart(Terminal terminal, DateTimeOffset now)
    {
        if (terminal.Probes is not SimulatedHardware hardware)
        {
            return new CommandOutcome(CommandStatus.Refused, "this agent cannot restart a real terminal; the payment app must", []);
        }

        var cleared = hardware.Restart();
        terminal.SilentUntil = now.AddSeconds(options.Value.RestartSeconds);
        return new CommandOutcome(CommandStatus.Succeeded,
            cleared.Count == 0 ? "restarted; no fault a restart can clear" : $"restarted; cleared {string.Join(", ", cleared)}", []);
    }

    private CommandOutcome SwitchNetwork(Terminal terminal, string? link, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(link))
        {
            return new CommandOutcome(CommandStatus.Refused, "switchNetwork needs a target link", []);
        }

        var (state, change, refusal) = observer.Policy.SwitchTo(terminal.Link, link, TerminalObserver.UsableLinks(terminal));
        if (refusal is not null)
        {
            return new CommandOutcome(CommandStatus.Failed, refusal, []);
        }

        terminal.Link = state;
        if (change is null)
        {
            return new CommandOutcome(CommandStatus.Succeeded, $"already on {link}", []);
        }

        var id = terminal.Identity;
        return new CommandOutcome(CommandStatus.Succeeded, $"switched {change.From} -> {change.To}",
            [new Outgoing(id.DeviceId, seq => new NetworkSwitched(Guid.CreateVersion7(now), id.DeviceId, id.StoreId, seq, change.From, change.To, change.Reason, now))]);
    }

    private CommandOutcome SelfTest(Terminal terminal)
    {
        var components = observer.Components(terminal, TerminalObserver.UsableLinks(terminal));
        var faults = components.Where(c => c.Status != ComponentStatus.Ok).ToList();
        var detail = string.Join(", ", components.Select(c => c.Status == ComponentStatus.Ok ? $"{c.Component} ok" : $"{c.Component} {c.Code}"));
        return new CommandOutcome(faults.Count == 0 ? CommandStatus.Succeeded : CommandStatus.Failed, detail, []);
    }

    private static CommandOutcome Reinstall(Terminal terminal, CommandKind kind)
    {
        if (terminal.Probes is not SimulatedHardware hardware)
        {
            return new CommandOutcome(CommandStatus.Refused, "app updates on real terminals go through the vendor's update service", []);
        }

        var cleared = hardware.ReinstallApp("4.3.0");
        var verb = kind == CommandKind.UpdateApp ? "updated" : "reinstalled";
        return new CommandOutcome(CommandStatus.Succeeded, cleared.Count == 0 ? $"{verb} app to 4.3.0" : $"{verb} app to 4.3.0; cleared {string.Join(", ", cleared)}", []);
    }

    private async Task<CommandOutcome> UploadAsync(Terminal terminal, CancellationToken cancellationToken)
    {
        if (!TerminalObserver.CanReachPaymentHost(terminal))
        {
            return new CommandOutcome(CommandStatus.Failed, "payment host unreachable; transactions stay in the journal", []);
        }

        var queued = await journal.QueueUploadAsync(terminal.DeviceId, terminal.Identity.StoreId, cancellationToken);
        return new CommandOutcome(CommandStatus.Succeeded, $"queued {queued} offline transactions for upload", []);
    }

    private static CommandOutcome ShowNotice(Terminal terminal, AgentCommand command, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(command.NoticeEn) || string.IsNullOrWhiteSpace(command.NoticeZh))
        {
            return new CommandOutcome(CommandStatus.Refused, "a customer notice needs both noticeEn and noticeZh", []);
        }

        terminal.Notice = new CustomerNotice(command.NoticeEn, command.NoticeZh, now);
        terminal.DisplayLog.Add($"{now:O} NOTICE {command.NoticeZh} / {command.NoticeEn}");
        return new CommandOutcome(CommandStatus.Succeeded, "notice shown", []);
    }

    private static CommandOutcome ClearNotice(Terminal terminal, DateTimeOffset now)
    {
        var had = terminal.Notice is not null;
        terminal.Notice = null;
        terminal.DisplayLog.Add($"{now:O} NOTICE cleared");
        return new CommandOutcome(CommandStatus.Succeeded, had ? "notice cleared" : "no notice was shown", []);
    }
}
