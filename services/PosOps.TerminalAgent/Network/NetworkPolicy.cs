namespace PosOps.TerminalAgent.Network;

/// <summary>Where a terminal's traffic goes now, and how long a better link has been healthy.</summary>
public sealed record LinkState(string Active, string? BetterLink, DateTimeOffset? BetterSince)
{
    public const string None = "none";

    public static LinkState Start(string active) => new(active, null, null);
}

/// <summary>A decision to move to another link.</summary>
public sealed record LinkSwitch(string From, string To, string Reason);

/// <summary>
/// The guide's "switch the network mode" as a pure rule: leave a failed link at once for the best
/// healthy one in policy order (ethernet → wifi → cellular → hotspot by default); go back to a
/// better link only after it stayed healthy for <see cref="FailbackAfter"/> (hysteresis, no flapping).
/// </summary>
public sealed record NetworkPolicy(IReadOnlyList<string> Order, TimeSpan FailbackAfter, bool AutoFailover = true)
{
    public static readonly IReadOnlyList<string> DefaultOrder = ["ethernet", "wifi", "cellular", "hotspot"];

    public (LinkState State, LinkSwitch? Switch) Decide(LinkState state, IReadOnlyDictionary<string, bool> linksUp, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(linksUp);
        var best = Order.FirstOrDefault(l => linksUp.GetValueOrDefault(l));
        var activeUp = linksUp.GetValueOrDefault(state.Active);

        if (!activeUp)
        {
            if (!AutoFailover && state.Active != LinkState.None)
            {
                return (state with { BetterLink = null, BetterSince = null }, null);
            }

            var target = best ?? LinkState.None;
            return target == state.Active
                ? (state, null)
                : (LinkState.Start(target), new LinkSwitch(state.Active, target, state.Active == LinkState.None ? "recovered" : "failover"));
        }

        if (best is null || Rank(best) >= Rank(state.Active))
        {
            return (state with { BetterLink = null, BetterSince = null }, null);
        }

        if (state.BetterLink != best || state.BetterSince is null)
        {
            return (state with { BetterLink = best, BetterSince = now }, null);
        }

        return now - state.BetterSince.Value >= FailbackAfter && AutoFailover
            ? (LinkState.Start(best), new LinkSwitch(state.Active, best, "failback"))
            : (state, null);
    }

    /// <summary>Moves on command (the runbook's switch step), if that link is up.</summary>
    public (LinkState State, LinkSwitch? Switch, string? Refusal) SwitchTo(LinkState state, string link, IReadOnlyDictionary<string, bool> linksUp)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(linksUp);
        if (!Order.Contains(link, StringComparer.Ordinal))
        {
            return (state, null, $"unknown link '{link}'; known: {string.Join(", ", Order)}");
        }

        if (!linksUp.GetValueOrDefault(link))
        {
            return (state, null, $"link '{link}' is down");
        }

        return link == state.Active
            ? (state, null, null)
            : (LinkState.Start(link), new LinkSwitch(state.Active, link, "command"), null);
    }

    private int Rank(string link)
    {
        var index = Order.ToList().IndexOf(link);
        return index < 0 ? int.MaxValue : index;
    }

    /// <summary>The catalogue code for a link that is down.</summary>
    public static string DownCode(string link) => link switch
    {
        "ethernet" => "ETHERNET_DOWN",
        "wifi" => "WIFI_DOWN",
        "cellular" or "hotspot" => "CELLULAR_DOWN",
        _ => "GATEWAY_UNREACHABLE",
    };
}
