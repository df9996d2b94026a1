using PosOps.Contracts.Agent;
using PosOps.TerminalAgent.Terminals;

namespace PosOps.TerminalAgent.Tests.Terminals;

public class HealthEdgesTests
{
    private static Dictionary<string, string> Faults(params (string Component, string Code)[] faults) =>
        faults.ToDictionary(f => f.Component, f => f.Code, StringComparer.Ordinal);

    [Fact]
    public void GivenANewFault_WhenDiffed_ThenItAppearsAndNothingClears()
    {
        var (appeared, cleared) = HealthEdges.Diff(Faults(("printer", "PAPER_OUT")), Faults(("printer", "PAPER_OUT"), ("display", "DISPLAY_UNRESPONSIVE")));

        Assert.Equal([("display", "DISPLAY_UNRESPONSIVE")], appeared);
        Assert.Empty(cleared);
    }

    [Fact]
    public void GivenAFaultIsGone_WhenDiffed_ThenItClearsWithItsOldCode()
    {
        var (appeared, cleared) = HealthEdges.Diff(Faults(("printer", "PAPER_OUT"), ("keypad", "KEYPAD_UNRESPONSIVE")), Faults(("keypad", "KEYPAD_UNRESPONSIVE")));

        Assert.Empty(appeared);
        Assert.Equal([("printer", "PAPER_OUT")], cleared);
    }

    [Fact]
    public void GivenTheSamePicture_WhenDiffed_ThenThereAreNoEdges()
    {
        var (appeared, cleared) = HealthEdges.Diff(Faults(("printer", "PAPER_OUT")), Faults(("printer", "PAPER_OUT")));

        Assert.Empty(appeared);
        Assert.Empty(cleared);
    }

    [Fact]
    public void GivenACodeChangeOnTheSameComponent_WhenDiffed_ThenItIsOneClearOfTheOldAndOneAppearOfTheNew()
    {
        var (appeared, cleared) = HealthEdges.Diff(Faults(("network", "WIFI_DOWN")), Faults(("network", "PAYMENT_HOST_UNREACHABLE")));

        Assert.Equal([("network", "PAYMENT_HOST_UNREACHABLE")], appeared);
        Assert.Equal([("network", "WIFI_DOWN")], cleared);
    }

    [Fact]
    public void GivenComponents_WhenFaultsAreTaken_ThenOnlyNotOkComponentsWithACodeCount()
    {
        var faults = HealthEdges.Faults(
        [
            new ComponentHealth("display", ComponentStatus.Ok),
            new ComponentHealth("printer", ComponentStatus.Faulted, "PAPER_OUT"),
            new ComponentHealth("power", ComponentStatus.Degraded, "ON_BATTERY"),
            new ComponentHealth("keypad", ComponentStatus.Faulted),
            new ComponentHealth("software", ComponentStatus.Ok, "APP_OUTDATED"),
        ]);

        Assert.Equal(Faults(("printer", "PAPER_OUT"), ("power", "ON_BATTERY")), faults);
    }
}
