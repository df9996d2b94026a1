using System.Text.Json;
using PosOps.IncidentService.Audit;

namespace PosOps.IncidentService.Tests.Audit;

public class HistoryExportTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void GivenAnEventWithJsonData_WhenWrittenAsCsv_ThenTheDataIsQuoted_AndInstantsAreUtc()
    {
        var data = JsonDocument.Parse("""{"faultCode":"PAPER_OUT","by":"li, wei"}""").RootElement;
        var e = new HistoryEvent("S01-T001", 3, 42, Guid.Empty, "incident_acknowledged", At, At.AddSeconds(2), "li, wei", null, data);

        Assert.Equal(
            "S01-T001,3,42,incident_acknowledged,2026-11-25T01:00:00.0000000Z,2026-11-25T01:00:02.0000000Z,\"li, wei\",,\"{\"\"faultCode\"\":\"\"PAPER_OUT\"\",\"\"by\"\":\"\"li, wei\"\"}\"",
            HistoryExport.Row(e, withDeviceId: true));
    }

    [Fact]
    public void GivenADeviceExport_WhenWrittenAsCsv_ThenThereIsNoDeviceColumn()
    {
        var e = new HistoryEvent(null, 1, 7, Guid.Empty, "fault_detected", null, At, "device", "corr-1", JsonDocument.Parse("{}").RootElement);

        Assert.Equal("1,7,fault_detected,,2026-11-25T01:00:00.0000000Z,device,corr-1,{}", HistoryExport.Row(e, withDeviceId: false));
    }

    [Theory]
    [InlineData("FaultDetected,incident_opened", "fault_detected,incident_opened")]
    [InlineData("incident-acknowledged", "incident_acknowledged")]
    public void GivenTypesInAnySpelling_WhenParsed_ThenTheyAreStoredAliases(string given, string expected) =>
        Assert.Equal(expected.Split(','), HistoryFilter.ParseTypes(given));

    [Theory]
    [InlineData(typeof(PosOps.Contracts.Incidents.IncidentOpened), "incident-opened")]
    [InlineData(typeof(PosOps.Contracts.Incidents.IncidentAcknowledged), "incident-acknowledged")]
    [InlineData(typeof(PosOps.Contracts.Incidents.StoreOutageDetected), "store-outage-detected")]
    public void GivenAnIntegrationEvent_WhenNamedForTheStream_ThenTheSseEventNameFollowsTheContract(Type type, string name) =>
        Assert.Equal(name, PosOps.Contracts.Incidents.IntegrationEvents.NameOf(type));
}
