using PosOps.TerminalAgent.Network;

namespace PosOps.TerminalAgent.Tests.Network;

public class NetworkPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly TimeSpan FailbackAfter = TimeSpan.FromSeconds(60);
    private static readonly NetworkPolicy Policy = new(NetworkPolicy.DefaultOrder, FailbackAfter);

    private static Dictionary<string, bool> Links(bool ethernet = false, bool wifi = false, bool cellular = false, bool hotspot = false) =>
        new(StringComparer.Ordinal) { ["ethernet"] = ethernet, ["wifi"] = wifi, ["cellular"] = cellular, ["hotspot"] = hotspot };

    [Fact]
    public void GivenTheActiveLinkGoesDown_WhenDecided_ThenItFailsOverAtOnceToTheBestHealthyLinkInOrder()
    {
        var (state, change) = Policy.Decide(LinkState.Start("ethernet"), Links(wifi: true, cellular: true, hotspot: true), T0);

        Assert.Equal(new LinkSwitch("ethernet", "wifi", "failover"), change);
        Assert.Equal(LinkState.Start("wifi"), state);
    }

    [Fact]
    public void GivenOnlyALowerLinkIsUp_WhenTheActiveLinkGoesDown_ThenItSkipsTheDownLinksInBetween()
    {
        var (state, change) = Policy.Decide(LinkState.Start("ethernet"), Links(hotspot: true), T0);

        Assert.Equal(new LinkSwitch("ethernet", "hotspot", "failover"), change);
        Assert.Equal("hotspot", state.Active);
    }

    [Fact]
    public void GivenACustomOrder_WhenTheActiveLinkGoesDown_ThenTheOrderOfThePolicyDecides()
    {
        var policy = new NetworkPolicy(["cellular", "wifi"], FailbackAfter);

        var (_, change) = policy.Decide(LinkState.Start("hotspot"), Links(wifi: true, cellular: true), T0);

        Assert.Equal("cellular", change?.To);
    }

    [Fact]
    public void GivenEveryLinkIsDown_WhenDecided_ThenTheTerminalIsOnNone()
    {
        var (state, change) = Policy.Decide(LinkState.Start("wifi"), Links(), T0);

        Assert.Equal(new LinkSwitch("wifi", LinkState.None, "failover"), change);
        Assert.Equal(LinkState.None, state.Active);
    }

    [Fact]
    public void GivenTheTerminalIsOnNone_WhenStillNothingIsUp_ThenNoSwitchIsReported()
    {
        var start = LinkState.Start(LinkState.None);

        var (state, change) = Policy.Decide(start, Links(), T0);

        Assert.Null(change);
        Assert.Equal(start, state);
    }

    [Fact]
    public void GivenTheTerminalIsOnNone_WhenALinkComesUp_ThenItRecoversAtOnceWithoutWaitingForFailback()
    {
        var (state, change) = Policy.Decide(LinkState.Start(LinkState.None), Links(cellular: true), T0);

        Assert.Equal(new LinkSwitch(LinkState.None, "cellular", "recovered"), change);
        Assert.Equal(LinkState.Start("cellular"), state);
    }

    [Fact]
    public void GivenTheBestLinkIsActiveAndUp_WhenDecided_ThenNothingChanges()
    {
        var start = LinkState.Start("ethernet");

        var (state, change) = Policy.Decide(start, Links(ethernet: true, wifi: true), T0);

        Assert.Null(change);
        Assert.Equal(start, state);
    }

    [Fact]
    public void GivenABetterLinkComesBack_WhenItHasNotStayedUpForFailbackAfter_ThenTheTerminalStaysOnTheBackup()
    {
        var links = Links(wifi: true, cellular: true);

        var (state, first) = Policy.Decide(LinkState.Start("cellular"), links, T0);
        var (later, second) = Policy.Decide(state, links, T0 + FailbackAfter - TimeSpan.FromSeconds(1));

        Assert.Null(first);
        Assert.Equal(new LinkState("cellular", "wifi", T0), state);
        Assert.Null(second);
        Assert.Equal(new LinkState("cellular", "wifi", T0), later);
    }

    [Fact]
    public void GivenABetterLinkStayedUpForFailbackAfter_WhenDecided_ThenItFailsBack()
    {
        var links = Links(wifi: true, cellular: true);
        var (state, _) = Policy.Decide(LinkState.Start("cellular"), links, T0);

        var (after, change) = Policy.Decide(state, links, T0 + FailbackAfter);

        Assert.Equal(new LinkSwitch("cellular", "wifi", "failback"), change);
        Assert.Equal(LinkState.Start("wifi"), after);
    }

    [Fact]
    public void GivenABetterLinkBlipsDownBeforeFailbackAfter_WhenItComesBack_ThenTheTimerStartsAgain()
    {
        var up = Links(wifi: true, cellular: true);
        var wifiDown = Links(cellular: true);
        var state = LinkState.Start("cellular");
        var switches = new List<LinkSwitch>();

        void Step(Dictionary<string, bool> links, TimeSpan at)
        {
            (state, var change) = Policy.Decide(state, links, T0 + at);
            if (change is not null)
            {
                switches.Add(change);
            }
        }

        Step(up, TimeSpan.Zero);
        Step(up, TimeSpan.FromSeconds(50));
        Step(wifiDown, TimeSpan.FromSeconds(55));
        Assert.Equal(LinkState.Start("cellular"), state);

        Step(up, TimeSpan.FromSeconds(58));
        Step(up, TimeSpan.FromSeconds(61));
        Step(up, TimeSpan.FromSeconds(117));
        Assert.Empty(switches);
        Assert.Equal(new LinkState("cellular", "wifi", T0 + TimeSpan.FromSeconds(58)), state);

        Step(up, TimeSpan.FromSeconds(118));
        Assert.Equal([new LinkSwitch("cellular", "wifi", "failback")], switches);
    }

    [Fact]
    public void GivenAFlappingBetterLink_WhenObservedEverySecond_ThenTheTerminalNeverLeavesTheBackup()
    {
        var state = LinkState.Start("cellular");
        var switches = 0;

        for (var second = 0; second < 600; second++)
        {
            // wifi is up for 30 s, down for 1 s, again and again: never up for the full minute.
            var links = Links(wifi: second % 31 != 30, cellular: true);
            (state, var change) = Policy.Decide(state, links, T0 + TimeSpan.FromSeconds(second));
            switches += change is null ? 0 : 1;
        }

        Assert.Equal(0, switches);
        Assert.Equal("cellular", state.Active);
    }

    [Fact]
    public void GivenAnEvenBetterLinkComesUpDuringTheWait_WhenDecided_ThenTheTimerFollowsTheBestLink()
    {
        var (state, _) = Policy.Decide(LinkState.Start("cellular"), Links(wifi: true, cellular: true), T0);

        var (after, change) = Policy.Decide(state, Links(ethernet: true, wifi: true, cellular: true), T0 + TimeSpan.FromSeconds(30));

        Assert.Null(change);
        Assert.Equal(new LinkState("cellular", "ethernet", T0 + TimeSpan.FromSeconds(30)), after);
    }

    [Fact]
    public void GivenAutoFailoverOff_WhenTheActiveLinkGoesDown_ThenTheActiveLinkIsKept()
    {
        var policy = new NetworkPolicy(NetworkPolicy.DefaultOrder, FailbackAfter, AutoFailover: false);

        var (state, change) = policy.Decide(LinkState.Start("wifi"), Links(cellular: true), T0);

        Assert.Null(change);
        Assert.Equal(LinkState.Start("wifi"), state);
    }

    [Fact]
    public void GivenAutoFailoverOff_WhenABetterLinkStaysUpLongEnough_ThenThereIsNoFailback()
    {
        var policy = new NetworkPolicy(NetworkPolicy.DefaultOrder, FailbackAfter, AutoFailover: false);
        var links = Links(wifi: true, cellular: true);
        var (state, _) = policy.Decide(LinkState.Start("cellular"), links, T0);

        var (after, change) = policy.Decide(state, links, T0 + FailbackAfter + FailbackAfter);

        Assert.Null(change);
        Assert.Equal("cellular", after.Active);
    }

    [Fact]
    public void GivenAnUnknownLink_WhenSwitchedTo_ThenRefusedNamingTheKnownLinks()
    {
        var start = LinkState.Start("wifi");

        var (state, change, refusal) = Policy.SwitchTo(start, "satellite", Links(wifi: true));

        Assert.Null(change);
        Assert.Equal(start, state);
        Assert.Equal("unknown link 'satellite'; known: ethernet, wifi, cellular, hotspot", refusal);
    }

    [Fact]
    public void GivenADownLink_WhenSwitchedTo_ThenRefusedAsDown()
    {
        var start = LinkState.Start("wifi");

        var (state, change, refusal) = Policy.SwitchTo(start, "cellular", Links(wifi: true));

        Assert.Null(change);
        Assert.Equal(start, state);
        Assert.Equal("link 'cellular' is down", refusal);
    }

    [Fact]
    public void GivenAnUpLink_WhenSwitchedTo_ThenTheTerminalMovesWithReasonCommand()
    {
        var (state, change, refusal) = Policy.SwitchTo(new LinkState("wifi", "ethernet", T0), "cellular", Links(wifi: true, cellular: true));

        Assert.Null(refusal);
        Assert.Equal(new LinkSwitch("wifi", "cellular", "command"), change);
        Assert.Equal(LinkState.Start("cellular"), state);
    }

    [Fact]
    public void GivenTheActiveLink_WhenSwitchedTo_ThenNothingHappensAndNothingIsRefused()
    {
        var start = LinkState.Start("wifi");

        var (state, change, refusal) = Policy.SwitchTo(start, "wifi", Links(wifi: true));

        Assert.Null(refusal);
        Assert.Null(change);
        Assert.Equal(start, state);
    }

    [Theory]
    [InlineData("ethernet", "ETHERNET_DOWN")]
    [InlineData("wifi", "WIFI_DOWN")]
    [InlineData("cellular", "CELLULAR_DOWN")]
    [InlineData("hotspot", "CELLULAR_DOWN")]
    [InlineData("none", "GATEWAY_UNREACHABLE")]
    [InlineData("satellite", "GATEWAY_UNREACHABLE")]
    public void GivenALink_WhenItIsDown_ThenDownCodeNamesTheCatalogueCode(string link, string code) =>
        Assert.Equal(code, NetworkPolicy.DownCode(link));
}
