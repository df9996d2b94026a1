using PosOps.Contracts.Agent;
using PosOps.TerminalAgent.Network;
using PosOps.TerminalAgent.Outbox;
using PosOps.TerminalAgent.Probes;
using PosOps.TerminalAgent.Terminals;

namespace PosOps.TerminalAgent.Tests.Terminals;

public class TerminalObserverTests
{
    private const string DeviceId = "S01-T001";
    private const string StoreId = "S01";
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly TerminalObserver observer = new(new NetworkPolicy(NetworkPolicy.DefaultOrder, TimeSpan.FromSeconds(60)));
    private readonly SimulatedHardware hardware = new(["wifi", "cellular"]);
    private readonly Terminal terminal;
    private long sequence;

    public TerminalObserverTests()
    {
        terminal = new Terminal(new TerminalIdentity(DeviceId, StoreId, "A920", "SN-0001"), hardware);

        // The first look finds the terminal on no link and moves it to wifi; tests start from there.
        var settled = Observe(T0, heartbeatDue: false);
        Assert.Equal([new NetworkSwitched(settled[0].MessageId, DeviceId, StoreId, 1, LinkState.None, "wifi", "recovered", T0)], settled);
    }

    private List<IAgentMessage> Observe(DateTimeOffset now, bool heartbeatDue, int journalDepth = 0)
    {
        var outgoing = new List<Outgoing>();
        observer.Observe(terminal, now, heartbeatDue, journalDepth, outgoing);
        Assert.All(outgoing, o => Assert.Equal(DeviceId, o.DeviceId));
        return [.. outgoing.Select(o => o.Create(++sequence))];
    }

    [Fact]
    public void GivenAHealthyTerminal_WhenNothingChangedAndNoHeartbeatIsDue_ThenNothingIsSent()
    {
        var messages = Observe(T0.AddSeconds(5), heartbeatDue: false);

        Assert.Empty(messages);
    }

    [Fact]
    public void GivenAHealthyTerminal_WhenNothingChangedAndAHeartbeatIsDue_ThenOnlyTheHeartbeatIsSent()
    {
        var now = T0.AddSeconds(15);

        var messages = Observe(now, heartbeatDue: true, journalDepth: 3);

        var heartbeat = Assert.IsType<Heartbeat>(Assert.Single(messages));
        Assert.Equal((DeviceId, StoreId, 2L, now), (heartbeat.DeviceId, heartbeat.StoreId, heartbeat.Sequence, heartbeat.OccurredAt));
        Assert.Equal(new NetworkState("wifi", 80), heartbeat.Network);
        Assert.Equal(("4.2.0", "android-12", 3), (heartbeat.AppVersion, heartbeat.OsVersion, heartbeat.OfflineJournalDepth));
        Assert.Equal(
            ["display", "printer", "keypad", "power", "card-reader", "software", "security", "network"],
            heartbeat.Components.Select(c => c.Component));
        Assert.All(heartbeat.Components, c => Assert.Equal(ComponentStatus.Ok, c.Status));
    }

    [Fact]
    public void GivenAComponentFails_WhenObserved_ThenFaultReportedIsSentAtOnceWithoutWaitingForAHeartbeat()
    {
        hardware.Fail("printer", "PAPER_OUT");
        var now = T0.AddSeconds(2);

        var messages = Observe(now, heartbeatDue: false);

        var fault = Assert.IsType<FaultReported>(Assert.Single(messages));
        Assert.Equal((DeviceId, StoreId, 2L, "printer", "PAPER_OUT", now), (fault.DeviceId, fault.StoreId, fault.Sequence, fault.Component, fault.Code, fault.OccurredAt));
    }

    [Fact]
    public void GivenAFaultWasReported_WhenObservedAgainUnchanged_ThenItIsNotReportedTwice()
    {
        hardware.Fail("printer", "PAPER_OUT");
        Observe(T0.AddSeconds(2), heartbeatDue: false);

        var messages = Observe(T0.AddSeconds(4), heartbeatDue: false);

        Assert.Empty(messages);
    }

    [Fact]
    public void GivenAFaultWasReported_WhenAHeartbeatIsDue_ThenTheHeartbeatCarriesTheFaultAndNoNewEdge()
    {
        hardware.Fail("printer", "PAPER_OUT");
        Observe(T0.AddSeconds(2), heartbeatDue: false);

        var messages = Observe(T0.AddSeconds(15), heartbeatDue: true);

        var heartbeat = Assert.IsType<Heartbeat>(Assert.Single(messages));
        Assert.Contains(new ComponentHealth("printer", ComponentStatus.Faulted, "PAPER_OUT"), heartbeat.Components);
    }

    [Fact]
    public void GivenAFaultIsMended_WhenObserved_ThenFaultClearedIsSentWithTheOldCode()
    {
        hardware.Fail("printer", "PAPER_OUT");
        Observe(T0.AddSeconds(2), heartbeatDue: false);
        hardware.Mend("printer");

        var messages = Observe(T0.AddSeconds(4), heartbeatDue: false);

        var cleared = Assert.IsType<FaultCleared>(Assert.Single(messages));
        Assert.Equal(("printer", "PAPER_OUT", 3L), (cleared.Component, cleared.Code, cleared.Sequence));
    }

    [Fact]
    public void GivenWifiGoesDownWithCellularUp_WhenObserved_ThenNetworkSwitchedAndANetworkDegradedWifiDownFault()
    {
        hardware.SetLink("wifi", up: false);
        var now = T0.AddSeconds(3);

        var messages = Observe(now, heartbeatDue: true);

        Assert.Collection(messages,
            m => Assert.Equal(new NetworkSwitched(m.MessageId, DeviceId, StoreId, 2, "wifi", "cellular", "failover", now), m),
            m => Assert.Equal(new FaultReported(m.MessageId, DeviceId, StoreId, 3, "network", "WIFI_DOWN", now), m),
            m =>
            {
                var heartbeat = Assert.IsType<Heartbeat>(m);
                Assert.Equal(new NetworkState("cellular", 65), heartbeat.Network);
                Assert.Equal(new ComponentHealth("network", ComponentStatus.Degraded, "WIFI_DOWN"), heartbeat.Components[^1]);
            });
        Assert.Equal("cellular", terminal.Link.Active);
    }

    [Fact]
    public void GivenTheTerminalTradesOnCellular_WhenWifiComesBack_ThenTheFaultClearsAtOnceButFailbackWaitsForFailbackAfter()
    {
        hardware.SetLink("wifi", up: false);
        Observe(T0.AddSeconds(3), heartbeatDue: false);
        hardware.SetLink("wifi", up: true);

        var back = Observe(T0.AddSeconds(10), heartbeatDue: false);
        var waiting = Observe(T0.AddSeconds(69), heartbeatDue: false);
        var proven = Observe(T0.AddSeconds(70), heartbeatDue: false);

        var cleared = Assert.IsType<FaultCleared>(Assert.Single(back));
        Assert.Equal(("network", "WIFI_DOWN"), (cleared.Component, cleared.Code));
        Assert.Empty(waiting);
        var switched = Assert.IsType<NetworkSwitched>(Assert.Single(proven));
        Assert.Equal(("cellular", "wifi", "failback"), (switched.From, switched.To, switched.Reason));
        Assert.Equal("wifi", terminal.Link.Active);
    }

    [Fact]
    public void GivenEveryLinkGoesDown_WhenObserved_ThenTheTerminalIsOnNoneAndTheNetworkIsFaulted()
    {
        hardware.SetLink("wifi", up: false);
        hardware.SetLink("cellular", up: false);

        var messages = Observe(T0.AddSeconds(3), heartbeatDue: false);

        Assert.Collection(messages,
            m => Assert.Equal(("wifi", LinkState.None), (Assert.IsType<NetworkSwitched>(m).From, ((NetworkSwitched)m).To)),
            m => Assert.Equal(("network", "WIFI_DOWN"), (Assert.IsType<FaultReported>(m).Component, ((FaultReported)m).Code)));
        Assert.False(TerminalObserver.CanReachPaymentHost(terminal));
    }

    [Fact]
    public void GivenThePaymentHostStopsAnswering_WhenObserved_ThenPaymentHostUnreachableIsReported()
    {
        hardware.SetPaymentHost(up: false);

        var messages = Observe(T0.AddSeconds(3), heartbeatDue: false);

        var fault = Assert.IsType<FaultReported>(Assert.Single(messages));
        Assert.Equal(("network", "PAYMENT_HOST_UNREACHABLE"), (fault.Component, fault.Code));
        Assert.False(TerminalObserver.CanReachPaymentHost(terminal));
    }

    [Fact]
    public void GivenThePaymentHostAnswersAgain_WhenObserved_ThenTheFaultClearsAndPaymentsCanGoOnline()
    {
        hardware.SetPaymentHost(up: false);
        Observe(T0.AddSeconds(3), heartbeatDue: false);
        hardware.SetPaymentHost(up: true);

        var messages = Observe(T0.AddSeconds(6), heartbeatDue: false);

        var cleared = Assert.IsType<FaultCleared>(Assert.Single(messages));
        Assert.Equal(("network", "PAYMENT_HOST_UNREACHABLE"), (cleared.Component, cleared.Code));
        Assert.True(TerminalObserver.CanReachPaymentHost(terminal));
    }

    [Fact]
    public void GivenTheStoreRouterStopsAnswering_WhenObservedOnWifi_ThenTheTerminalMovesToCellularAndReportsTheGateway()
    {
        hardware.SetGateway(up: false);

        var messages = Observe(T0.AddSeconds(3), heartbeatDue: false);

        var switched = Assert.IsType<NetworkSwitched>(messages[0]);
        Assert.Equal(("wifi", "cellular", "failover"), (switched.From, switched.To, switched.Reason));
        var fault = Assert.IsType<FaultReported>(Assert.Single(messages.Skip(1)));
        Assert.Equal(("network", "GATEWAY_UNREACHABLE"), (fault.Component, fault.Code));
        Assert.True(TerminalObserver.CanReachPaymentHost(terminal), "mobile data does not go through the store's router");
    }

    [Fact]
    public void GivenAWifiOnlyTerminal_WhenTheStoreRouterStopsAnswering_ThenGatewayUnreachableIsReportedAndPaymentsAreOffline()
    {
        var wifiOnly = new Terminal(new TerminalIdentity("S01-T009", "S01", "PX-7", "SN9"), new SimulatedHardware(["wifi"]));
        var observer = new TerminalObserver(new NetworkPolicy(NetworkPolicy.DefaultOrder, TimeSpan.FromSeconds(60)));
        wifiOnly.Link = LinkState.Start("wifi");
        ((SimulatedHardware)wifiOnly.Probes).SetGateway(up: false);
        var messages = new List<Outgoing>();

        observer.Observe(wifiOnly, T0, heartbeatDue: false, journalDepth: 0, messages);

        var built = messages.Select((m, i) => m.Create(i + 1)).ToList();
        Assert.Equal(("wifi", "none"), (Assert.IsType<NetworkSwitched>(built[0]).From, ((NetworkSwitched)built[0]).To));
        Assert.Equal(("network", "GATEWAY_UNREACHABLE"), (((FaultReported)built[1]).Component, ((FaultReported)built[1]).Code));
        Assert.False(TerminalObserver.CanReachPaymentHost(wifiOnly));
    }

    [Fact]
    public void GivenWeakWifi_WhenObserved_ThenTheNetworkIsDegradedWifiWeak()
    {
        hardware.SetSignal("wifi", 15);

        var messages = Observe(T0.AddSeconds(3), heartbeatDue: false);

        var fault = Assert.IsType<FaultReported>(Assert.Single(messages));
        Assert.Equal(("network", "WIFI_WEAK"), (fault.Component, fault.Code));
    }

    [Fact]
    public void GivenFixableAndUnfixableFaults_WhenTheTerminalRestarts_ThenOnlyTheRestartFixableFaultsClear()
    {
        hardware.Fail("display", "DISPLAY_UNRESPONSIVE");
        hardware.Fail("card-reader", "READER_FAULT");
        hardware.Fail("printer", "PAPER_OUT");
        hardware.Fail("security", "TAMPER_DETECTED");
        Assert.Equal(4, Observe(T0.AddSeconds(2), heartbeatDue: false).Count);

        var fixedCodes = hardware.Restart();
        var messages = Observe(T0.AddSeconds(10), heartbeatDue: true);

        Assert.Equal(["DISPLAY_UNRESPONSIVE", "READER_FAULT"], fixedCodes.Order(StringComparer.Ordinal));
        Assert.Equal(
            [("card-reader", "READER_FAULT"), ("display", "DISPLAY_UNRESPONSIVE")],
            messages.OfType<FaultCleared>().Select(c => (c.Component, c.Code)).Order());
        Assert.Empty(messages.OfType<FaultReported>());
        var heartbeat = Assert.Single(messages.OfType<Heartbeat>());
        Assert.Equal(
            [("printer", "PAPER_OUT"), ("security", "TAMPER_DETECTED")],
            heartbeat.Components.Where(c => c.Status != ComponentStatus.Ok).Select(c => (c.Component, c.Code!)).Order());
    }

    [Fact]
    public void GivenAutomaticFailoverOff_WhenTheActiveLinkGoesDown_ThenTheTerminalStaysOnIt_AndReportsTheLinkDown()
    {
        var manual = new TerminalObserver(new NetworkPolicy(NetworkPolicy.DefaultOrder, TimeSpan.FromSeconds(60), AutoFailover: false));
        hardware.SetLink("wifi", false);
        var outgoing = new List<Outgoing>();

        manual.Observe(terminal, T0.AddSeconds(5), heartbeatDue: false, 0, outgoing);

        var fault = Assert.IsType<FaultReported>(Assert.Single(outgoing).Create(++sequence));
        Assert.Equal(("network", "WIFI_DOWN"), (fault.Component, fault.Code));
        Assert.Equal("wifi", terminal.Link.Active);
    }
}
