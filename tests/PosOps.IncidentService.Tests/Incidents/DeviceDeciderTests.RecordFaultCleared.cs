using PosOps.IncidentService.Incidents;
using static PosOps.IncidentService.Tests.Incidents.DeviceSpec;

namespace PosOps.IncidentService.Tests.Incidents;

public partial class DeviceDeciderTests
{
    [Fact]
    public void GivenOpenIncident_WhenFaultCleared_ThenFaultClearedAndIncidentResolved()
    {
        var incidentId = Guid.CreateVersion7();
        var state = Given(PaperOutHappened(1, incidentId));
        var command = PaperBack(2);

        var events = When(state, command);

        Assert.Equal(
            new IDeviceEvent[]
            {
                new FaultCleared(DeviceId, "printer", "PAPER_OUT", command.MessageId, 2, command.OccurredAt),
                new IncidentResolved(DeviceId, incidentId, StoreId, "PAPER_OUT", "fault cleared by the device", command.OccurredAt),
            },
            events);
    }

    [Fact]
    public void GivenNoOpenIncident_WhenFaultCleared_ThenNothingChanges()
    {
        Assert.Empty(When(Given(), PaperBack(1)));
    }

    [Fact]
    public void GivenFaultAtSequence5_WhenAnOlderClearArrivesLate_ThenNothingChanges()
    {
        var state = Given(When(Given(), PaperOut(5)));

        Assert.Empty(When(state, PaperBack(4)));
        Assert.Single(state.ActiveIncidents);
    }

    [Fact]
    public void GivenHistory_WhenRebuiltFromStoredEvents_ThenStateEqualsTheLiveState()
    {
        var incidentId = Guid.CreateVersion7();
        var live = DeviceDecider.Initial(DeviceId);
        var stored = new List<IDeviceEvent>();
        foreach (var command in new DeviceCommand[] { PaperOut(1, incidentId), WifiDown(2), PaperBack(3), PaperOut(4) })
        {
            var events = DeviceDecider.Decide(command, live);
            stored.AddRange(events);
            live = events.Aggregate(live, DeviceDecider.Evolve);
        }

        var rebuilt = DeviceDecider.Rebuild(DeviceId, stored);

        Assert.Equal(live.LastSequence, rebuilt.LastSequence);
        Assert.Equal(DeviceSpec.Summary(live), DeviceSpec.Summary(rebuilt));
        Assert.Equal(["PAPER_OUT", "WIFI_DOWN"], rebuilt.ActiveIncidents.Keys.Order());
        Assert.Equal((incidentId, IncidentStatus.Open, 1), (rebuilt.ActiveIncidents["PAPER_OUT"].IncidentId, rebuilt.ActiveIncidents["PAPER_OUT"].Status, rebuilt.ActiveIncidents["PAPER_OUT"].FlapCount));
    }
}
