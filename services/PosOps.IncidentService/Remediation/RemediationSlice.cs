using PosOps.Contracts.Commands;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Remediation;

/// <summary>Commands sent to the terminal: issued once, never after their expiry; a customer notice marks the incident it serves.</summary>
public sealed class RemediationSlice : IDeviceSlice
{
    public IReadOnlyCollection<Type> Commands { get; } = [typeof(IssueRemediationCommand)];

    public IReadOnlyCollection<Type> Events { get; } = [typeof(CommandIssued)];

    public IDeviceEvent[] Decide(DeviceCommand command, Device state, FlapPolicy flapping) => command switch
    {
        IssueRemediationCommand c when c.ExpiresAt <= c.Now => throw new InvalidOperationException("the command would expire before it is sent"),
        IssueRemediationCommand c => [new CommandIssued(c.DeviceId, c.CommandId, c.Command, c.Network, c.NoticeEn, c.NoticeZh, c.IssuedBy, c.ExpiresAt, c.Now)],
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not a remediation command"),
    };

    public Device Evolve(Device state, IDeviceEvent @event) => @event switch
    {
        CommandIssued { IncidentId: { } served, Command: CommandKind.ShowCustomerNotice } => IncidentRules.Update(state, served, i => i with { NoticeShown = true }),
        CommandIssued { IncidentId: { } served, Command: CommandKind.ClearCustomerNotice } => IncidentRules.Update(state, served, i => i with { NoticeShown = false }),
        _ => state,
    };
}
