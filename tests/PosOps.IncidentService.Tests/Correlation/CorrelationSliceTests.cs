using PosOps.IncidentService.Correlation;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Liveness;
using static PosOps.IncidentService.Tests.Incidents.DeviceSpec;

namespace PosOps.IncidentService.Tests.Correlation;

/// <summary>The correlation slice, given/when/then: store streams, linked device incidents and the alert hold.</summary>
public class CorrelationSliceTests
{
    private static readonly string Store = StreamIds.Store(StoreId);
    private static readonly Guid StoreIncident = Guid.Parse("0192f3a0-7b1d-7000-9000-0000000000a1");
    private static readonly Guid Wifi = Guid.Parse("0192f3a0-7b1d-7000-9000-0000000000a2");

    private static DetectStoreOutage Detect(DateTimeOffset at, Guid? id = null) =>
        new(Store, StoreId, "network", ["S01-T001", "S01-T002", "S01-T003"], 4, id ?? StoreIncident, at);

    [Fact]
    public void GivenAStoreOutage_WhenItIsDetectedAgainWhileItLasts_ThenNothingChanges()
    {
        var history = Play(Store, Detect(T0));

        var events = DeviceDecider.Decide(Detect(T0.AddSeconds(30), Guid.CreateVersion7()), DeviceDecider.Rebuild(Store, history));

        Assert.Empty(events);
        Assert.Equal(StoreIncident, Assert.IsType<IncidentOpened>(history[0]).IncidentId);
    }

    [Fact]
    public void GivenAStoreOutage_WhenTheStoreTradesAgain_ThenTheOutageAndItsIncidentResolveByCorrelation()
    {
        var events = Play(Store, Detect(T0), new EndStoreOutage(Store, StoreId, "terminals back", T0.AddMinutes(3)));

        var resolved = Assert.IsType<IncidentResolved>(events[^1]);
        Assert.Equal((StoreIncident, "correlation"), (resolved.IncidentId, resolved.By));
        Assert.IsType<StoreOutageResolved>(events[^2]);
    }

    [Fact]
    public void GivenAResolvedStoreOutage_WhenItComesBackBeforeVerification_ThenTheSameIncidentReopens()
    {
        var events = Play(Store, Detect(T0), new EndStoreOutage(Store, StoreId, "back", T0.AddMinutes(3)), Detect(T0.AddMinutes(5), Guid.CreateVersion7()));

        Assert.Equal(StoreIncident, Assert.IsType<StoreOutageDetected>(events[^2]).IncidentId);
        Assert.Equal(StoreIncident, Assert.IsType<IncidentReopened>(events[^1]).IncidentId);
    }

    [Fact]
    public void GivenAHeldConnectivityIncident_WhenAStoreIncidentCoversIt_ThenItIsLinkedOnce_AndItsReleaseNamesTheCover()
    {
        var events = Play(DeviceId, WifiDown(1, Wifi), new LinkIncident(DeviceId, Wifi, StoreIncident, T0.AddSeconds(5)),
            new LinkIncident(DeviceId, Wifi, StoreIncident, T0.AddSeconds(6)), new ReleaseAlert(DeviceId, Wifi, T0.AddSeconds(30)),
            new ReleaseAlert(DeviceId, Wifi, T0.AddSeconds(31)));

        Assert.True(Assert.IsType<IncidentOpened>(events[1]).AlertHeld);
        Assert.Single(events.OfType<IncidentLinked>());
        Assert.Equal(StoreIncident, Assert.Single(events.OfType<IncidentAlertReleased>()).HeldBackBy);
    }

    [Fact]
    public void GivenAPaperOut_WhenItsAlertIsReleased_ThenNothingHappens_BecauseOnlyConnectivityAlertsAreHeld()
    {
        Assert.Empty(Play(DeviceId, PaperOut(1, Wifi), new ReleaseAlert(DeviceId, Wifi, T0.AddSeconds(30))).OfType<IncidentAlertReleased>());
    }

    [Fact]
    public void GivenAFleetGoneSilent_WhenThePlatformOutageEnds_ThenItResolves_AndASecondEndChangesNothing()
    {
        var platform = Guid.CreateVersion7();
        var history = Play(StreamIds.Platform, new DetectPlatformOutage(StreamIds.Platform, "silent", 700, 1000, platform, T0),
            new EndPlatformOutage(StreamIds.Platform, "heartbeats flow again", T0.AddMinutes(2)));

        Assert.Equal(platform, Assert.IsType<PlatformOutageResolved>(history[^2]).IncidentId);
        Assert.Empty(DeviceDecider.Decide(new EndPlatformOutage(StreamIds.Platform, "again", T0.AddMinutes(3)), DeviceDecider.Rebuild(StreamIds.Platform, history)));
    }
}
