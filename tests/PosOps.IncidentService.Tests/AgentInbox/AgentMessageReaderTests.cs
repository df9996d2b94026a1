using System.Text;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.IncidentService.AgentInbox;

namespace PosOps.IncidentService.Tests.AgentInbox;

public class AgentMessageReaderTests
{
    private const int Limit = 64 * 1024;
    private static readonly string[] FaultTypes = [AgentMessageTypes.FaultReported, AgentMessageTypes.FaultCleared];
    private static readonly string[] HeartbeatTypes = [AgentMessageTypes.Heartbeat];

    private const string Fault = """
        {"messageId":"0192f000-0000-7000-8000-000000000001","deviceId":"S01-T001","storeId":"S01","sequence":7,
         "component":"printer","code":"PAPER_OUT","detail":"tray empty","occurredAt":"2026-11-25T09:00:00+08:00"}
        """;

    private const string Heartbeat = """
        {"messageId":"0192f000-0000-7000-8000-000000000002","deviceId":"S01-T001","storeId":"S01","sequence":8,
         "components":[{"component":"printer","status":"ok"}],"network":{"mode":"wifi","signalPercent":70},
         "appVersion":"4.2.0","osVersion":"android-12","offlineJournalDepth":0,"occurredAt":"2026-11-25T09:00:15+08:00"}
        """;

    private static ReadResult Read(string body, string? type, string[] accepted) =>
        AgentMessageReader.Read(Encoding.UTF8.GetBytes(body), type, accepted, Limit);

    [Fact]
    public void GivenAWellFormedFault_WhenRead_ThenTheMessageKeepsTheDeviceClock()
    {
        var result = Read(Fault, AgentMessageTypes.FaultReported, FaultTypes);

        var fault = Assert.IsType<FaultReported>(result.Message);
        Assert.Equal(("S01-T001", 7L, "PAPER_OUT"), (fault.DeviceId, fault.Sequence, fault.Code));
        Assert.Equal(TimeSpan.FromHours(8), fault.OccurredAt.Offset);
    }

    [Fact]
    public void GivenAHeartbeatWithoutTypeProperty_WhenReadFromTheHeartbeatQueue_ThenItIsAHeartbeat()
    {
        var result = Read(Heartbeat, type: null, HeartbeatTypes);

        Assert.IsType<Heartbeat>(result.Message);
    }

    [Fact]
    public void GivenAFaultWithoutTypeProperty_WhenReadFromTheFaultQueue_ThenRejectedNamingTheTypes()
    {
        var result = Read(Fault, type: null, FaultTypes);

        Assert.Null(result.Message);
        Assert.Contains("fault-reported", result.Rejection, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json", "malformed")]
    [InlineData("null", "not a fault-reported")]
    [InlineData("""{"messageId":"0192f000-0000-7000-8000-000000000001","storeId":"S01","sequence":1,"component":"printer","code":"PAPER_OUT","occurredAt":"2026-11-25T09:00:00Z"}""", "deviceId")]
    [InlineData("""{"messageId":"0192f000-0000-7000-8000-000000000001","deviceId":"S01 T001; drop","storeId":"S01","sequence":1,"component":"printer","code":"PAPER_OUT","occurredAt":"2026-11-25T09:00:00Z"}""", "deviceId")]
    [InlineData("""{"messageId":"0192f000-0000-7000-8000-000000000001","deviceId":"S01-T001","storeId":"S01","sequence":1,"component":"printer","code":"COFFEE_EMPTY","occurredAt":"2026-11-25T09:00:00Z"}""", "unknown fault code")]
    [InlineData("""{"messageId":"0192f000-0000-7000-8000-000000000001","deviceId":"S01-T001","storeId":"S01","sequence":-3,"component":"printer","code":"PAPER_OUT","occurredAt":"2026-11-25T09:00:00Z"}""", "sequence")]
    [InlineData("""{"messageId":"00000000-0000-0000-0000-000000000000","deviceId":"S01-T001","storeId":"S01","sequence":1,"component":"printer","code":"PAPER_OUT","occurredAt":"2026-11-25T09:00:00Z"}""", "messageId")]
    public void GivenBadInput_WhenRead_ThenRejectedWithAReason(string body, string reasonMentions)
    {
        var result = Read(body, AgentMessageTypes.FaultReported, FaultTypes);

        Assert.Null(result.Message);
        Assert.Contains(reasonMentions, result.Rejection, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAnUnknownType_WhenRead_ThenRejectedAsUnknown()
    {
        var result = Read(Fault, "firmware-gossip", FaultTypes);

        Assert.StartsWith("unknown message type 'firmware-gossip'", result.Rejection, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAnOversizedBody_WhenRead_ThenRejectedUnread()
    {
        var result = AgentMessageReader.Read(new byte[Limit + 1], AgentMessageTypes.FaultReported, FaultTypes, Limit);

        Assert.Contains("exceeds the limit", result.Rejection, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAnEmptyBody_WhenRead_ThenRejected()
    {
        Assert.Equal("empty body", AgentMessageReader.Read([], AgentMessageTypes.Heartbeat, HeartbeatTypes, Limit).Rejection);
    }
}
