using PosOps.Contracts.Commands;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Remediation;

/// <summary>Ops or a runbook sends a remediation command to the terminal (server-side: no agent sequence).</summary>
public sealed record IssueRemediationCommand(
    string DeviceId, Guid CommandId, CommandKind Command, string? Network, string? NoticeEn, string? NoticeZh, string IssuedBy, DateTimeOffset ExpiresAt, DateTimeOffset Now)
    : DeviceCommand(DeviceId, Now);
