using Marten;
using Microsoft.Extensions.Options;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Correlation;

/// <summary>
/// A connectivity incident's alert waits for the store correlation (design principle 8): its opening starts
/// the hold timer, and when the timer fires the alert is released (or stays held, covered by the store's).
/// </summary>
public sealed class AlertHold(IOptions<CorrelationOptions> correlation) : IDeviceReaction
{
    public const string Timer = "alert-hold";

    public ValueTask<Reaction> ReactAsync(IDocumentSession session, Device after, IReadOnlyList<IDeviceEvent> happened, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(happened);
        TimerRequest[] timers = [.. happened.OfType<IncidentOpened>().Where(o => o.AlertHeld)
            .Select(held => new TimerRequest(Timer, held.IncidentId, 1, now + correlation.Value.AlertHold))];
        return ValueTask.FromResult(timers.Length == 0 ? Reaction.None : new Reaction([], timers));
    }

}

/// <summary>
/// The hold timer fired: release the alert. A class of its own because it writes through the
/// <see cref="DeviceWriter"/>, whose reactions include <see cref="AlertHold"/> (one class would be a cycle).
/// </summary>
public sealed class AlertHoldRelease(DeviceWriter writer) : ITimerHandler
{
    public IReadOnlyCollection<string> Kinds { get; } = [AlertHold.Timer];

    public Task FireAsync(DueTimer due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        return writer.DecideAsync(due.DeviceId, (_, now) => new ReleaseAlert(due.DeviceId, due.IncidentId, now), cancellationToken, DurableTimers.Completes(due));
    }
}
