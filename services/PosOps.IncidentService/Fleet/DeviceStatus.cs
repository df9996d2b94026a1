using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using Severity = PosOps.Contracts.Incidents.Severity;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Fleet;

/// <summary>What a terminal can do right now, in the dashboard's colours.</summary>
public enum TradingStatus
{
    /// <summary>Green: no open incident.</summary>
    Ok,

    /// <summary>Amber: payments work, something is missing, or a workaround keeps it trading.</summary>
    Degraded,

    /// <summary>Red: no card payments on this terminal.</summary>
    Down,

    /// <summary>Red: not heard from; treated as power or network loss.</summary>
    Silent,
}

/// <summary>An incident still open on the device, as the status needs it.</summary>
public sealed record OpenFault(Guid IncidentId, string FaultCode, Severity Severity, bool Mitigated);

/// <summary>Read model per device stream (inline): its trading status and why.</summary>
public sealed record DeviceStatus(string Id, string StoreId, TradingStatus Status, IReadOnlyList<OpenFault> OpenFaults, string? ActiveLink, string? BackupDeviceId, DateTimeOffset ChangedAt)
{
    public static TradingStatus StatusOf(IReadOnlyList<OpenFault> faults) =>
        faults.Any(f => f.FaultCode == DeviceDecider.Silent) ? TradingStatus.Silent
        : faults.Any(f => f.Severity == Severity.Blocking && !f.Mitigated) ? TradingStatus.Down
        : faults.Any(f => f.Severity != Severity.Minor || f.Mitigated) ? TradingStatus.Degraded
        : TradingStatus.Ok;
}

public sealed class DeviceStatusProjection : SingleStreamProjection<DeviceStatus, string>
{
    public override DeviceStatus? Evolve(DeviceStatus? snapshot, string id, IEvent e)
    {
        var status = snapshot ?? new DeviceStatus(id, "", TradingStatus.Ok, [], null, null, e.Timestamp);
        var faults = status.OpenFaults;
        switch (e.Data)
        {
            case IncidentOpened o:
                status = status with { StoreId = o.StoreId };
                faults = [.. faults.Where(f => f.FaultCode != o.FaultCode), new OpenFault(o.IncidentId, o.FaultCode, o.Severity, false)];
                break;
            case IncidentReopened r when faults.All(f => f.IncidentId != r.IncidentId):
                faults = [.. faults, new OpenFault(r.IncidentId, r.FaultCode, FaultCatalogue.SeverityOf(r.FaultCode), false)];
                break;
            case IncidentMitigated m:
                faults = [.. faults.Select(f => f.IncidentId == m.IncidentId ? f with { Mitigated = true } : f)];
                break;
            case IncidentResolved r:
                faults = [.. faults.Where(f => f.IncidentId != r.IncidentId)];
                break;
            case NetworkSwitched n:
                status = status with { ActiveLink = n.To };
                break;
            case BackupTerminalAssigned b:
                status = status with { BackupDeviceId = b.BackupDeviceId };
                break;
            case StoreOutageDetected s:
                status = status with { StoreId = s.StoreId };
                break;
            default:
                return status;
        }

        return status with { OpenFaults = faults, Status = DeviceStatus.StatusOf(faults), ChangedAt = e.Timestamp };
    }

}

/// <summary>Trading statuses as the API spells them, and which devices have one.</summary>
public static class TradingStatuses
{
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetNames<TradingStatus>().Select(n => n.ToLowerInvariant())];

    public static bool TryParse(string text, out TradingStatus status)
    {
        status = default;
        var index = Names.ToList().IndexOf(text.Trim().ToLowerInvariant());
        if (index < 0)
        {
            return false;
        }

        status = Enum.GetValues<TradingStatus>()[index];
        return true;
    }

    /// <summary>
    /// The devices with that status. A device whose stream never had an incident has no DeviceStatus
    /// document and is Ok, so Ok is "all but those with another status".
    /// </summary>
    public static async Task<(IReadOnlyCollection<string> Ids, bool Include)> DevicesAsync(IQuerySession session, TradingStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var ids = status == TradingStatus.Ok
            ? await session.Query<DeviceStatus>().Where(s => s.Status != TradingStatus.Ok).Select(s => s.Id).ToListAsync(cancellationToken)
            : await session.Query<DeviceStatus>().Where(s => s.Status == status).Select(s => s.Id).ToListAsync(cancellationToken);
        return (ids, status != TradingStatus.Ok);
    }
}
