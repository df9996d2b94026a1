using Marten;
using Microsoft.Extensions.Options;
using PosOps.IncidentService.Timers;

namespace PosOps.IncidentService.Incidents;

/// <summary>
/// The write path for one device (STYLE topic 6): fetch the stream with its version, decide, append,
/// start the durable timers the new events need, commit; on a version conflict reload and decide again.
/// </summary>
public sealed class DeviceWriter(IDocumentStore store, IOptions<FollowUpOptions> timers, TimeProvider clock, ILogger<DeviceWriter> logger)
{
    /// <param name="command">Builds the command from the current state and the time.</param>
    /// <param name="alsoInTransaction">More work for the same transaction, given the new events (e.g. the next escalation timer).</param>
    /// <returns>The events appended (empty when nothing changed).</returns>
    public async Task<IDeviceEvent[]> DecideAsync(
        string deviceId,
        Func<Device, DateTimeOffset, DeviceCommand> command,
        CancellationToken cancellationToken,
        Action<IDocumentSession, IDeviceEvent[], DateTimeOffset>? alsoInTransaction = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        IDeviceEvent[] appended = [];
        await OptimisticRetry.RunAsync(async () =>
        {
            var now = clock.GetUtcNow();
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<Device>(deviceId, cancellationToken);
            var state = stream.Aggregate ?? DeviceDecider.Initial(deviceId);
            appended = DeviceDecider.Decide(command(state, now), state);
            stream.AppendMany(appended);
            DurableTimers.ScheduleFor(session, appended, timers.Value, now);
            alsoInTransaction?.Invoke(session, appended, now);
            await session.SaveChangesAsync(cancellationToken);
        }, logger);
        return appended;
    }
}
