namespace PosOps.IncidentService.Registry;

/// <summary>A store in the registry (a Marten document, id = store id): ISP line, region, tags, backup terminals.</summary>
public sealed record StoreRegistration(
    string Id,
    string Name,
    string? Region,
    string? Isp,
    string? LineId,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> BackupDeviceIds);
