using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Liveness;
using PosOps.IncidentService.OfflineTransactions;
using static PosOps.IncidentService.Tests.Incidents.DeviceSpec;

namespace PosOps.IncidentService.Tests.Incidents;

public partial class DeviceDeciderTests
{
    private static readonly Guid Incident = Guid.Parse("0192f3a0-7b1d-7000-9000-000000000011");

    private static IDeviceEvent[] Opened() => History(PaperOut(1, Incident));

    private static IDeviceEvent[] Resolved() => History(PaperOut(1, Incident), PaperBack(2));

    private static IDeviceEvent[] Verified() => History(PaperOut(1, Incident), PaperBack(2), new VerifyIncident(DeviceId, Incident, true, T0.AddMinutes(15)));

    [Fact]
    public void GivenOpenIncident_WhenAcknowledged_ThenIncidentAcknowledged_AndASecondAcknowledgeChangesNothing()
    {
        var events = When(Given(Opened()), new AcknowledgeIncident(DeviceId, Incident, "li.wei", T0.AddMinutes(1)));

        Assert.Equal([new IncidentAcknowledged(DeviceId, Incident, "li.wei", T0.AddMinutes(1))], events);
        Assert.Empty(When(Given([.. Opened(), .. events]), new AcknowledgeIncident(DeviceId, Incident, "someone.else", T0.AddMinutes(2))));
    }

    [Fact]
    public void GivenAcknowledgedIncident_WhenABackupTerminalIsAssigned_ThenIncidentMitigated()
    {
        var history = History(PaperOut(1, Incident), new AcknowledgeIncident(DeviceId, Incident, "li.wei", T0.AddMinutes(1)));

        var events = When(Given(history), new MitigateIncident(DeviceId, Incident, "backup terminal S01-T099", "li.wei", T0.AddMinutes(3)));

        Assert.Equal("backup terminal S01-T099", Assert.IsType<IncidentMitigated>(Assert.Single(events)).Workaround);
    }

    [Fact]
    public void GivenMitigatedIncident_WhenOpsResolves_ThenResolvedWithTheActorAndNote()
    {
        var history = History(PaperOut(1, Incident), new MitigateIncident(DeviceId, Incident, "offline mode", "li.wei", T0.AddMinutes(1)));

        var events = When(Given(history), new ResolveIncident(DeviceId, Incident, "li.wei", "paper roll replaced", T0.AddMinutes(5)));

        var resolved = Assert.IsType<IncidentResolved>(Assert.Single(events));
        Assert.Equal(("li.wei", "resolved by li.wei: paper roll replaced"), (resolved.By, resolved.Reason));
    }

    [Fact]
    public void GivenResolvedIncident_WhenTheFollowUpPasses_ThenVerified()
    {
        var events = When(Given(Resolved()), new VerifyIncident(DeviceId, Incident, JournalEmpty: true, T0.AddMinutes(12)));

        Assert.Equal([new IncidentVerified(DeviceId, Incident, T0.AddMinutes(12))], events);
    }

    [Fact]
    public void GivenResolvedIncident_WhenOfflineTransactionsAreStillInTheJournal_ThenVerificationWaits()
    {
        var error = Assert.Throws<InvalidOperationException>(() => When(Given(Resolved()), new VerifyIncident(DeviceId, Incident, JournalEmpty: false, T0.AddMinutes(12))));

        Assert.Contains("offline transactions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenResolvedIncident_WhenTheFollowUpFails_ThenFollowUpFailedAndTheIncidentReopens()
    {
        var events = When(Given(Resolved()), new FailFollowUp(DeviceId, Incident, "printer still reports no paper", T0.AddMinutes(12)));

        Assert.IsType<FollowUpFailed>(events[0]);
        Assert.Equal((Incident, 1), (Assert.IsType<IncidentReopened>(events[1]).IncidentId, ((IncidentReopened)events[1]).FlapCount));
    }

    [Fact]
    public void GivenVerifiedIncident_WhenClosed_ThenClosed_AndAfterwardsItNeverChanges()
    {
        var closed = When(Given(Verified()), new CloseIncident(DeviceId, Incident, "li.wei", T0.AddMinutes(30)));
        var state = Given([.. Verified(), .. closed]);

        Assert.IsType<IncidentClosed>(Assert.Single(closed));
        Assert.Throws<InvalidOperationException>(() => When(state, new AcknowledgeIncident(DeviceId, Incident, "li.wei", T0.AddHours(1))));
        Assert.Throws<InvalidOperationException>(() => When(state, new ResolveIncident(DeviceId, Incident, "li.wei", null, T0.AddHours(1))));
        Assert.Empty(When(state, new CloseIncident(DeviceId, Incident, "li.wei", T0.AddHours(1))));
    }

    [Fact]
    public void GivenOpenIncident_WhenClosed_ThenRefusedUntilVerified()
    {
        var error = Assert.Throws<InvalidOperationException>(() => When(Given(Opened()), new CloseIncident(DeviceId, Incident, "li.wei", T0.AddMinutes(1))));

        Assert.Contains("only a verified incident can be closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAFlappingPrinter_WhenItReopensThreeTimesWithinAnHour_ThenItEscalatesOnce()
    {
        var commands = new List<DeviceCommand> { PaperOut(1, Incident) };
        for (var i = 0; i < 4; i++)
        {
            commands.Add(PaperBack(2 + (2 * i)));
            commands.Add(PaperOut(3 + (2 * i)));
        }

        var events = History([.. commands]);

        Assert.Equal([1, 2, 3, 4], events.OfType<IncidentReopened>().Select(r => r.FlapCount));
        var escalation = Assert.Single(events.OfType<IncidentEscalated>());
        Assert.Equal((IncidentEscalated.Flapping, Incident), (escalation.Kind, escalation.IncidentId));
        Assert.Single(events.OfType<IncidentOpened>());
    }
}

public partial class DeviceDeciderTests
{
    [Fact]
    public void GivenAnOpenIncident_WhenTheAcknowledgementDeadlinePasses_ThenItEscalatesToTheNextLevel()
    {
        var events = When(Given(Opened()), new EscalateIfUnacknowledged(DeviceId, Incident, 2, TimeSpan.FromMinutes(15), T0.AddMinutes(30)));

        var escalated = Assert.IsType<IncidentEscalated>(Assert.Single(events));
        Assert.Equal((IncidentEscalated.Unacknowledged, 2), (escalated.Kind, escalated.Level));
        Assert.Contains("15 minutes", escalated.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAnAcknowledgedIncident_WhenTheDeadlinePasses_ThenNothingEscalates()
    {
        var history = History(PaperOut(1, Incident), new AcknowledgeIncident(DeviceId, Incident, "li.wei", T0.AddMinutes(1)));

        Assert.Empty(When(Given(history), new EscalateIfUnacknowledged(DeviceId, Incident, 1, TimeSpan.FromMinutes(15), T0.AddMinutes(16))));
    }
}

public partial class DeviceDeciderTests
{
    [Fact]
    public void GivenNoIncident_WhenAHeartbeatShowsAFault_ThenTheIncidentOpensFromTheHeartbeat()
    {
        var heartbeatIncident = Guid.CreateVersion7();

        var events = When(Given(), new ReconcileHealth(Guid.CreateVersion7(), DeviceId, StoreId, 7,
            [new ReportedFault("printer", "PAPER_OUT", PosOps.Contracts.Incidents.Severity.Degraded, heartbeatIncident)], T0, T0));

        Assert.Equal(heartbeatIncident, Assert.IsType<IncidentOpened>(events[^1]).IncidentId);
    }

    [Fact]
    public void GivenAnOpenIncident_WhenTheHeartbeatNoLongerShowsTheFault_ThenItResolves_ButASilenceIsNotClearedByIt()
    {
        var history = History(PaperOut(1, Incident), new RecordSilence(DeviceId, StoreId, T0, Guid.CreateVersion7(), T0.AddMinutes(1)));

        var events = When(Given(history), new ReconcileHealth(Guid.CreateVersion7(), DeviceId, StoreId, 9, [], T0.AddMinutes(2), T0.AddMinutes(2)));

        var resolved = Assert.Single(events.OfType<IncidentResolved>());
        Assert.Equal(Incident, resolved.IncidentId);
    }

    [Fact]
    public void GivenAFaultWhoseClearWasLost_WhenAgreedHeartbeatsNoLongerShowIt_ThenItResolvesFromTheHeartbeat()
    {
        // The edge arrived, its clear never did; the heartbeats were reconciled before the edge and are unchanged since.
        var history = History(new ReconcileHealth(Guid.CreateVersion7(), DeviceId, StoreId, 1, [], T0, T0), PaperOut(2, Incident));

        var events = When(Given(history), new ReconcileHealth(Guid.CreateVersion7(), DeviceId, StoreId, 5, [], T0.AddSeconds(30), T0.AddSeconds(31)));

        Assert.Equal(FaultSource.Heartbeat, Assert.IsType<FaultCleared>(events[0]).Source);
        Assert.Equal(Incident, Assert.IsType<IncidentResolved>(events[1]).IncidentId);
    }

    [Fact]
    public void GivenAnAgentRestartedWithAFreshFaultSet_WhenItsHeartbeatsAgree_ThenTheOldFaultsResolveAndTheNewOneOpens()
    {
        // Its outbox delivered PAPER_OUT after the restart; the restarted agent has WIFI_DOWN only.
        var history = History(PaperOut(1, Incident));
        var wifi = Guid.CreateVersion7();

        var events = When(Given(history), new ReconcileHealth(Guid.CreateVersion7(), DeviceId, StoreId, 60,
            [new ReportedFault("network", "WIFI_DOWN", PosOps.Contracts.Incidents.Severity.Blocking, wifi)], T0.AddMinutes(3), T0.AddMinutes(3)));

        Assert.Equal(Incident, Assert.Single(events.OfType<IncidentResolved>()).IncidentId);
        Assert.Equal(wifi, Assert.Single(events.OfType<IncidentOpened>()).IncidentId);
    }

    [Fact]
    public void GivenASilentDevice_WhenItComesBack_ThenTheGapIsRecordedAndTheSilenceResolves()
    {
        var history = History(new RecordSilence(DeviceId, StoreId, T0, Incident, T0.AddSeconds(47)));

        var events = When(Given(history), new RecordDeviceBack(DeviceId, StoreId, T0, T0.AddSeconds(120)));

        Assert.Equal(120, Assert.IsType<SilenceEnded>(events[0]).GapSeconds);
        Assert.Equal(Incident, Assert.IsType<IncidentResolved>(events[^1]).IncidentId);
    }
}

public partial class DeviceDeciderTests
{
    [Fact]
    public void GivenAFaultEdgeWithAHigherSequence_WhenAnEarlierUploadArrivesFromItsOwnQueue_ThenTheUploadIsStillRecorded()
    {
        var history = History(PaperOut(201));
        var upload = new RecordOfflineTransactions(Guid.CreateVersion7(), DeviceId, StoreId, 200,
            [new PosOps.Contracts.Agent.OfflineTransaction("tx-1", 12.5m, "CNY", T0)], 0,
            [new PosOps.Contracts.Agent.CurrencyTotal("CNY", 1, 12.5m)], T0, T0);

        var events = When(Given(history), upload);

        var uploaded = Assert.IsType<OfflineTransactionsUploaded>(Assert.Single(events));
        Assert.True(uploaded.Reconciled, uploaded.Reconciliation);
        Assert.Empty(When(Given([.. history, .. events]), upload)); // the same upload again is a replay
        Assert.Equal(201, Given([.. history, .. events]).LastSequence); // and it did not move the edges' mark
    }
}
