using PosOps.Contracts.Commands;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Remediation;
using static PosOps.IncidentService.Tests.Incidents.DeviceSpec;

namespace PosOps.IncidentService.Tests.Remediation;

/// <summary>The remediation slice, given/when/then: commands to the terminal.</summary>
public class RemediationSliceTests
{
    private static IssueRemediationCommand Notice(CommandKind kind, DateTimeOffset expires) =>
        new(DeviceId, Guid.CreateVersion7(), kind, null, "Card payments only", "仅限刷卡", "li.wei", expires, T0);

    [Fact]
    public void GivenAnyDevice_WhenACommandWouldExpireBeforeItIsSent_ThenItIsRefused()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => When(Given(), Notice(CommandKind.ShowCustomerNotice, T0)));

        Assert.Contains("expire", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenACommand_WhenIssued_ThenCommandIssuedCarriesWhoAndUntilWhen()
    {
        var command = Notice(CommandKind.Restart, T0.AddMinutes(5));

        var issued = Assert.IsType<CommandIssued>(Assert.Single(When(Given(), command)));

        Assert.Equal((command.CommandId, "li.wei", command.ExpiresAt), (issued.CommandId, issued.IssuedBy, issued.ExpiresAt));
    }
}
