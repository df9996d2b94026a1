using CsCheck;
using PosOps.IncidentService.Correlation;
using PosOps.IncidentService.Incidents;
using static PosOps.IncidentService.Tests.Incidents.DeviceSpec;

namespace PosOps.IncidentService.Tests.Correlation;

/// <summary>
/// Random orders of store detections and ends, and of a device incident's links, releases, clears and
/// returns: the store stream holds one outage incident at a time, and a held alert is released at most once per opening.
/// </summary>
public class CorrelationSliceProperties
{
    private static readonly string Store = StreamIds.Store(StoreId);

    [Fact]
    public void TheStoreStreamHasOneOutageIncident_ResolvedOnlyWhileInPlay() => Gen.Bool.Array[1, 60].Sample(script =>
    {
        var at = T0;
        var events = Play(Store, script.Select(detect => (at = at.AddMinutes(1)) is var now && detect
            ? (DeviceCommand)new DetectStoreOutage(Store, StoreId, "network", ["S01-T001", "S01-T002"], 3, Guid.CreateVersion7(), now)
            : new EndStoreOutage(Store, StoreId, "back", now)));

        Assert.True(events.OfType<IncidentOpened>().Count() <= 1);
        var inPlay = false;
        foreach (var e in events)
        {
            switch (e)
            {
                case IncidentOpened or IncidentReopened:
                    Assert.False(inPlay);
                    inPlay = true;
                    break;
                case IncidentResolved:
                    Assert.True(inPlay);
                    inPlay = false;
                    break;
            }
        }

        Assert.Equal(events.OfType<StoreOutageResolved>().Count(), events.OfType<IncidentResolved>().Count());
    });

    [Fact]
    public void AHeldAlertIsReleasedAtMostOncePerOpening_AndOnlyWhileHeld() => Gen.Int[0, 3].Array[1, 40].Sample(script =>
    {
        var wifi = Guid.CreateVersion7();
        long sequence = 0;
        var commands = script.Select(op => op switch
        {
            0 => (DeviceCommand)WifiDown(++sequence, wifi),
            1 => new RecordFaultCleared(Guid.CreateVersion7(), DeviceId, StoreId, ++sequence, "network", "WIFI_DOWN", T0.AddSeconds(sequence), T0.AddSeconds(sequence)),
            2 => new LinkIncident(DeviceId, wifi, Guid.CreateVersion7(), T0.AddSeconds(sequence)),
            _ => new ReleaseAlert(DeviceId, wifi, T0.AddSeconds(sequence)),
        });

        var events = Play(DeviceId, commands);

        Assert.True(events.OfType<IncidentAlertReleased>().Count() <= events.OfType<IncidentOpened>().Count(e => e.AlertHeld));
        Assert.True(events.OfType<IncidentLinked>().Count() <= 1);
    });
}
