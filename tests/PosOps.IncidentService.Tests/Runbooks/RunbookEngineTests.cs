using PosOps.Contracts.Agent;
using PosOps.Contracts.Commands;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Runbooks;
using static PosOps.IncidentService.Tests.Incidents.DeviceSpec;
using static PosOps.IncidentService.Tests.Runbooks.RunbookSpec;

namespace PosOps.IncidentService.Tests.Runbooks;

public class RunbookEngineTests
{
    private static readonly Guid Incident = Guid.Parse("0192f3a0-7b1d-7000-9000-000000000011");

    [Fact]
    public void GivenAnAppCrash_WhenTheIncidentOpens_ThenTheRunbookRestartsTheTerminal_AndTellsCustomers()
    {
        var (_, events, timers) = Run(Context(), Fault("software", "APP_CRASHED", 1, Incident));

        var started = Assert.Single(events.OfType<RunbookStepStarted>());
        Assert.Equal(("software", "restart", "automatic", 1), (started.RunbookId, started.StepId, started.Kind, started.Attempt));
        var commands = events.OfType<CommandIssued>().ToList();
        Assert.Equal([CommandKind.Restart, CommandKind.ShowCustomerNotice], commands.Select(c => c.Command));
        Assert.Equal(started.CommandId, commands[0].CommandId);
        Assert.All(commands, c => Assert.Equal(Incident, c.IncidentId));
        Assert.Equal(Library.For("APP_CRASHED")!.CustomerNotice!.En, commands[1].NoticeEn);
        Assert.False(string.IsNullOrEmpty(commands[1].NoticeZh));
        Assert.Equal(new TimerRequest(RunbookEngine.StepTimer, Incident, 1, T0.AddSeconds(1 + 180)), Assert.Single(timers));
    }

    [Fact]
    public void GivenTheRestartStep_WhenTheRestartSucceedsAndTheFaultClears_ThenTheRunbookFinishes_AndTheNoticeIsCleared()
    {
        var opened = Run(Context(), Fault("software", "APP_CRASHED", 1, Incident));
        var restart = opened.Events.OfType<RunbookStepStarted>().Single().CommandId!.Value;

        var (state, events, timers) = Continue(opened, Context(), Answer(restart, CommandKind.Restart, CommandStatus.Succeeded, 2), Cleared("software", "APP_CRASHED", 3));

        Assert.Equal(StepState.Done, state.FindActive(Incident)!.Runbook!.State);
        Assert.StartsWith("fault cleared", events.OfType<RunbookFinished>().Single().Outcome, StringComparison.Ordinal);
        Assert.Equal(CommandKind.ClearCustomerNotice, events.OfType<CommandIssued>().Last().Command);
        Assert.Contains(timers, t => t.Kind == RunbookEngine.SettleTimer && t.DueAt == T0.AddSeconds(2 + 30));
    }

    [Fact]
    public void GivenTheRestartSucceeded_WhenTheFaultIsStillThereAfterTheSettleTime_ThenTheStepFails_AndTheNextStepUpdatesTheApp()
    {
        var opened = Run(Context(), Fault("software", "APP_CRASHED", 1, Incident));
        var restart = opened.Events.OfType<RunbookStepStarted>().Single().CommandId!.Value;
        var answered = Continue(opened, Context(), Answer(restart, CommandKind.Restart, CommandStatus.Succeeded, 2));

        var (_, events, _) = Continue(answered, Context(), new SettleRunbookStep(DeviceId, Incident, 1, T0.AddSeconds(40)));

        Assert.Contains("still reported after 30 s", events.OfType<RunbookStepFailed>().Single().Reason, StringComparison.Ordinal);
        Assert.Equal(["restart", "update-app"], Steps(events));
        Assert.Equal(CommandKind.UpdateApp, events.OfType<CommandIssued>().Last().Command);
    }

    [Fact]
    public void GivenAnAutomaticStep_WhenTheTerminalNeverAnswers_ThenItTimesOut_AndTheRunbookMovesOn_AndALateTimerChangesNothing()
    {
        var opened = Run(Context(), Fault("software", "APP_CRASHED", 1, Incident));

        var timedOut = Continue(opened, Context(), new TimeOutRunbookStep(DeviceId, Incident, 1, T0.AddMinutes(4)));

        Assert.Single(timedOut.Events.OfType<RunbookStepTimedOut>());
        Assert.Equal(["restart", "update-app"], Steps(timedOut.Events));
        Assert.Equal(timedOut.Events.Count, Continue(timedOut, Context(), new TimeOutRunbookStep(DeviceId, Incident, 1, T0.AddMinutes(5))).Events.Count);
    }

    [Fact]
    public void GivenPaperOut_WhenOpsTicksTheManualStepAsNotDone_ThenTheRunbookRestarts_AndTickingAStepThatIsNotCurrentIsRefused()
    {
        var opened = Run(Context(), Fault("printer", "PAPER_OUT", 1, Incident));
        Assert.Equal(["check-paper"], Steps(opened.Events));

        var ticked = Continue(opened, Context(), new TickRunbookStep(DeviceId, Incident, "check-paper", false, "li.wei", "no paper in stock", T0.AddMinutes(2)));

        var failed = ticked.Events.OfType<RunbookStepFailed>().Single();
        Assert.Equal(("li.wei", "not done: no paper in stock"), (failed.By, failed.Reason));
        Assert.Equal(["check-paper", "restart"], Steps(ticked.Events));
        var refusal = Assert.Throws<InvalidOperationException>(() => Continue(ticked, Context(), new TickRunbookStep(DeviceId, Incident, "check-paper", true, "li.wei", null, T0.AddMinutes(3))));
        Assert.Contains("current: 'restart'", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAManualStep_WhenNobodyTicksItInTime_ThenItIsOverdue_AndTheIncidentEscalates_AndTheStepStaysOpen()
    {
        var opened = Run(Context(), Fault("printer", "PAPER_OUT", 1, Incident));

        var (state, events, _) = Continue(opened, Context(), new TimeOutRunbookStep(DeviceId, Incident, 1, T0.AddMinutes(16)));

        Assert.Single(events.OfType<RunbookStepTimedOut>());
        Assert.Equal(IncidentEscalated.StepOverdue, events.OfType<IncidentEscalated>().Single().Kind);
        Assert.Equal(("check-paper", StepState.Overdue), (state.FindActive(Incident)!.Runbook!.StepId, state.FindActive(Incident)!.Runbook!.State));
        Assert.Single(Continue((state, events, []), Context(), new TickRunbookStep(DeviceId, Incident, "check-paper", true, "li.wei", "loaded", T0.AddMinutes(17))).Events.OfType<RunbookStepCompleted>());
    }

    [Fact]
    public void GivenADeadDisplay_WhenTheRunbookReachesContinuity_ThenTheStoresBackupTerminalIsAssigned_AsAMitigation_AndVendorSupportGetsModelAndSerial()
    {
        var opened = Run(Context(), Fault("display", "DISPLAY_UNRESPONSIVE", 1, Incident));
        var restart = opened.Events.OfType<RunbookStepStarted>().Single().CommandId!.Value;

        var (state, events, _) = Continue(opened, Context(),
            Answer(restart, CommandKind.Restart, CommandStatus.Failed, 2),
            new TickRunbookStep(DeviceId, Incident, "check-power", true, "li.wei", "power is fine", T0.AddMinutes(5)));

        Assert.Equal(["restart", "check-power", "backup-terminal", "contact-vendor"], Steps(events));
        Assert.Equal("S01-B01", events.OfType<BackupTerminalAssigned>().Single().BackupDeviceId);
        Assert.Equal(IncidentStatus.Mitigated, state.FindActive(Incident)!.Status);
        var vendor = events.OfType<RunbookStepStarted>().Last();
        Assert.Contains("model PX-7, serial SN-0042", vendor.TextEn, StringComparison.Ordinal);
        Assert.Contains("型号 PX-7，序列号 SN-0042", vendor.TextZh, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAStoreWithoutBackupTerminals_WhenTheContinuityStepRuns_ThenItFailsWithTheReason_AndTheNextStepStarts()
    {
        var noBackups = Context(RunbookSpec.Store with { BackupDeviceIds = [] });
        var opened = Run(noBackups, Fault("keypad", "KEYPAD_UNRESPONSIVE", 1, Incident));
        var restart = opened.Events.OfType<RunbookStepStarted>().Single().CommandId!.Value;

        var (_, events, _) = Continue(opened, noBackups, Answer(restart, CommandKind.Restart, CommandStatus.Refused, 2));

        Assert.Contains(events.OfType<RunbookStepFailed>(), f => f.StepId == "backup-terminal" && f.Reason.Contains("no backup terminal", StringComparison.Ordinal));
        Assert.Equal("contact-vendor", Steps(events).Last());
    }

    [Fact]
    public void GivenWifiDown_WhenTheRunbooksSwitchToCellularSucceeds_ThenTheIncidentIsMitigated_AndOpsAreAskedToCheckTheLink()
    {
        var opened = Run(Context(), Fault("network", "WIFI_DOWN", 1, Incident));
        var switchStep = opened.Events.OfType<RunbookStepStarted>().Single();
        Assert.Equal("cellular", opened.Events.OfType<CommandIssued>().First().Network);

        var (state, events, _) = Continue(opened, Context(), Answer(switchStep.CommandId!.Value, CommandKind.SwitchNetwork, CommandStatus.Succeeded, 2));

        Assert.Contains("cellular", events.OfType<IncidentMitigated>().Single().Workaround, StringComparison.Ordinal);
        Assert.Equal(IncidentStatus.Mitigated, state.FindActive(Incident)!.Status);
        Assert.Equal("check-link", Steps(events).Last());
    }

    [Fact]
    public void GivenTheLastStep_WhenItFails_ThenTheIncidentEscalates_AndTheRunbookFinishes()
    {
        var history = Run(Context(), Fault("printer", "PAPER_OUT", 1, Incident));
        history = Continue(history, Context(), new TickRunbookStep(DeviceId, Incident, "check-paper", false, "li.wei", null, T0.AddMinutes(1)));
        var restart = history.Events.OfType<RunbookStepStarted>().Last().CommandId!.Value;
        history = Continue(history, Context(), Answer(restart, CommandKind.Restart, CommandStatus.Failed, 2));

        var (_, events, _) = Continue(history, Context(), new TickRunbookStep(DeviceId, Incident, "contact-vendor", false, "li.wei", "vendor cannot come today", T0.AddMinutes(30)));

        Assert.Equal(IncidentEscalated.RunbookExhausted, events.OfType<IncidentEscalated>().Last().Kind);
        Assert.Equal("escalated after step 'contact-vendor'", events.OfType<RunbookFinished>().Single().Outcome);
    }

    [Fact]
    public void GivenARunbookThatFinished_WhenTheFaultComesBackBeforeVerification_ThenTheRunbookStartsAgain()
    {
        var opened = Run(Context(), Fault("software", "APP_CRASHED", 1, Incident));
        var restart = opened.Events.OfType<RunbookStepStarted>().Single().CommandId!.Value;
        var resolved = Continue(opened, Context(), Answer(restart, CommandKind.Restart, CommandStatus.Succeeded, 2), Cleared("software", "APP_CRASHED", 3));

        var (_, events, _) = Continue(resolved, Context(), Fault("software", "APP_CRASHED", 4, Guid.NewGuid()));

        Assert.Equal(2, events.OfType<RunbookStarted>().Count());
        Assert.Equal(2, events.OfType<RunbookStepStarted>().Last().Attempt);
        Assert.Equal(CommandKind.ShowCustomerNotice, events.OfType<CommandIssued>().Last().Command);
    }
}
