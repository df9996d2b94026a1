namespace PosOps.IncidentService.Incidents;

/// <summary>Where the current step of an incident's runbook stands.</summary>
public enum StepState
{
    /// <summary>Waiting for the terminal's answer, or for ops to tick it.</summary>
    Running,

    /// <summary>The command succeeded; waiting to see whether the fault clears.</summary>
    Settling,

    /// <summary>A manual or contact step passed its timeout (escalated; still open for ops).</summary>
    Overdue,

    /// <summary>Finished; the runbook has moved on or stopped.</summary>
    Done,
}

/// <summary>An incident's runbook position, part of the device's write model.</summary>
/// <param name="Attempt">Counts step starts within the incident, so a late timer for an earlier step is recognised.</param>
public sealed record RunbookProgress(
    string RunbookId,
    string StepId,
    string Kind,
    int Attempt,
    StepState State,
    Guid? CommandId,
    int SettleSeconds,
    bool Finished);
