using PosOps.Contracts.Incidents;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Tests.Incidents;

public class FaultCatalogueTests
{
    [Theory]
    [InlineData("display", "DISPLAY_UNRESPONSIVE", Severity.Blocking)]
    [InlineData("printer", "PAPER_OUT", Severity.Degraded)]
    [InlineData("power", "ON_BATTERY", Severity.Minor)]
    [InlineData("network", "PAYMENT_HOST_UNREACHABLE", Severity.Blocking)]
    [InlineData("security", "TAMPER_DETECTED", Severity.Blocking)]
    public void GivenTheGuidesCodes_WhenLookedUp_ThenSeveritySaysWhatTheStoreCanStillDo(string component, string code, Severity expected)
    {
        Assert.True(FaultCatalogue.TryFind(component, code, out var entry, out _));
        Assert.Equal(expected, entry.Severity);
    }

    [Fact]
    public void GivenACodeOfAnotherComponent_WhenLookedUp_ThenTheProblemNamesTheRightComponent()
    {
        Assert.False(FaultCatalogue.TryFind("printer", "WIFI_DOWN", out _, out var problem));
        Assert.Contains("'network'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenTheDesignCatalogue_ThenEveryComponentIsCovered()
    {
        Assert.Equal(
            ["card-reader", "display", "keypad", "liveness", "network", "power", "printer", "security", "software"],
            FaultCatalogue.Components.Order(StringComparer.Ordinal));
    }
}
