using PosOps.Contracts.Commands;
using PosOps.IncidentService.Remediation;

namespace PosOps.IncidentService.Tests.Remediation;

public class CommandInputTests
{
    public static TheoryData<string, SendCommandRequest, string?> Requests => new()
    {
        { "S01-T001", new SendCommandRequest(CommandKind.Restart), null },
        { "S01-T001", new SendCommandRequest(CommandKind.SwitchNetwork, Network: "cellular"), null },
        { "S01-T001", new SendCommandRequest(CommandKind.ShowCustomerNotice, NoticeEn: "Cash only", NoticeZh: "仅收现金"), null },
        { "S01-T001", new SendCommandRequest((CommandKind)5000), "kind is not a known command" },
        { "S01-T001", new SendCommandRequest(CommandKind.SwitchNetwork, Network: "moon"), "network must be ethernet, wifi, cellular or hotspot" },
        { "S01-T001", new SendCommandRequest(CommandKind.SwitchNetwork), "switchNetwork needs network (ethernet, wifi, cellular or hotspot)" },
        { "S01-T001", new SendCommandRequest(CommandKind.Restart, Network: "wifi"), "network is only for switchNetwork" },
        { "S01-T001", new SendCommandRequest(CommandKind.ShowCustomerNotice, NoticeEn: new string('x', 501)), "noticeEn must be at most 500 characters" },
        { "S01-T001", new SendCommandRequest(CommandKind.ShowCustomerNotice, NoticeZh: "a\0b"), "noticeZh must not contain NUL characters" },
        { "S01-T001", new SendCommandRequest(CommandKind.Restart, ExpiresInSeconds: 0), "expiresInSeconds must be 1-86400" },
        { "S01-T001", new SendCommandRequest(CommandKind.Restart, ExpiresInSeconds: 86_401), "expiresInSeconds must be 1-86400" },
        { "S01 T001", new SendCommandRequest(CommandKind.Restart), "device id must be 1-64 letters, digits, '.', '_' or '-'" },
        { "store:S01", new SendCommandRequest(CommandKind.Restart), "device id must be 1-64 letters, digits, '.', '_' or '-'" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void GivenACommandRequest_ThenItsProblemIsNamed_OrNoneWhenItCanBeSent(string id, SendCommandRequest request, string? problem)
    {
        Assert.Equal(problem, CommandInput.Problem(id, request));
    }

    [Fact]
    public void GivenAnIssuedByInTheBody_ThenItIsNotAReasonToRefuse_ItIsIgnored()
    {
        Assert.Null(CommandInput.Problem("S01-T001", new SendCommandRequest(CommandKind.SelfTest, IssuedBy: new string('x', 5000))));
    }
}
