using Severity = PosOps.Contracts.Incidents.Severity;
using PosOps.IncidentService.Incidents;
using static PosOps.IncidentService.Tests.Incidents.DeviceSpec;

namespace PosOps.IncidentService.Tests.Incidents;

public partial class DeviceDeciderTests
{
    [Fact]
    public void GivenNoHistory_WhenFaultReported_ThenFaultDetectedAndIncidentOpened()
    {
        var incidentId = Guid.CreateVersion7();
        var command = PaperOut(1, incidentId);

        var events = When(Given(), command);

        Assert.Equal(
            new IDeviceEvent[]
            {
                new FaultDetected(DeviceId, StoreId, "printer", "PAPER_OUT", Severity.Degraded, command.MessageId, 1, command.OccurredAt),
                new IncidentOpened(DeviceId, incidentId, StoreId, "printer", "PAPER_OUT", Severity.Degraded, command.OccurredAt),
            },
            events);
    }

    [Fact]
    public void GivenOpenIncident_WhenSameFaultReportedAgain_ThenNothingChanges()
    {
        var state = Given(PaperOutHappened(1, Guid.CreateVersion7()));

        Assert.Empty(When(state, PaperOut(2)));
    }

    [Fact]
    public void GivenFaultRecorded_WhenTheSameMessageIsRedelivered_ThenNothingChanges()
    {
        var messageId = Guid.CreateVersion7();
        var first = PaperOut(5, messageId: messageId);
        var state = Given(When(Given(), first));

        Assert.Empty(When(state, first with { NewIncidentId = Guid.CreateVersion7() }));
    }

    [Fact]
    public void GivenOpenIncident_WhenAnotherFaultReported_ThenASecondIncidentOpens()
    {
        var history = PaperOutHappened(1, Guid.CreateVersion7());
        var wifiIncident = Guid.CreateVersion7();

        var events = When(Given(history), WifiDown(2, wifiIncident));

        var opened = Assert.IsType<IncidentOpened>(events[^1]);
        Assert.Equal((wifiIncident, "WIFI_DOWN", Severity.Blocking), (opened.IncidentId, opened.FaultCode, opened.Severity));
        Assert.Equal(2, Given([.. history, .. events]).ActiveIncidents.Count);
    }

    [Fact]
    public void GivenResolvedIncident_WhenTheFaultRecursBeforeTheFollowUp_ThenTheSameIncidentReopens()
    {
        var firstIncident = Guid.CreateVersion7();
        var history = PaperOutHappened(1, firstIncident).Concat(When(Given(PaperOutHappened(1, firstIncident)), PaperBack(2))).ToArray();

        var events = When(Given(history), PaperOut(3, Guid.CreateVersion7()));

        var reopened = Assert.IsType<IncidentReopened>(events[^1]);
        Assert.Equal((firstIncident, 1), (reopened.IncidentId, reopened.FlapCount));
    }

    [Fact]
    public void GivenVerifiedIncident_WhenTheFaultRecurs_ThenANewIncidentOpens()
    {
        var firstIncident = Guid.CreateVersion7();
        var history = History(PaperOut(1, firstIncident), PaperBack(2), new VerifyIncident(DeviceId, firstIncident, true, T0.AddMinutes(20)));
        var secondIncident = Guid.CreateVersion7();

        var events = When(Given(history), PaperOut(3, secondIncident));

        Assert.Equal(secondIncident, Assert.IsType<IncidentOpened>(events[^1]).IncidentId);
    }

    [Fact]
    public void GivenAnyState_WhenCommandIsForAnotherDevice_ThenRefused()
    {
        var command = PaperOut(1) with { DeviceId = "S09-T999" };

        Assert.Throws<InvalidOperationException>(() => When(Given(), command));
    }
}
