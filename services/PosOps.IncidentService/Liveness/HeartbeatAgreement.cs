using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Liveness;

/// <summary>When heartbeats are reconciled with the incidents (pure, so the specs can pin it down).</summary>
public static class HeartbeatAgreement
{
    /// <summary>Two heartbeats agree: the same fault picture, not in one burst, both current.</summary>
    public static bool Agree(bool changed, bool spaced, bool fresh) => !changed && spaced && fresh;

    /// <summary>
    /// Does a picture agreed again (after it was reconciled once) show an open incident's fault as gone
    /// (a clear that never came)? Only catalogue faults count, and DEVICE_SILENT is the liveness check's.
    /// A reported fault with no open incident is left alone here: ops resolved it and the follow-up
    /// check judges it, and a fault that is new to the agent arrives as a changed picture anyway.
    /// </summary>
    public static bool Differs(IEnumerable<string> reportedCodes, IEnumerable<string> openCodes)
    {
        var reported = reportedCodes.Where(c => c != DeviceDecider.Silent && FaultCatalogue.Codes.Contains(c)).ToHashSet(StringComparer.Ordinal);
        return openCodes.Any(c => c != DeviceDecider.Silent && !reported.Contains(c));
    }
}
