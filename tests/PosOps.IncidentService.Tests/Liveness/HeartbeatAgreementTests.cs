using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Liveness;

namespace PosOps.IncidentService.Tests.Liveness;

/// <summary>When two heartbeats are reconciled with the incidents: whatever was reconciled before.</summary>
public class HeartbeatAgreementTests
{
    [Fact]
    public void GivenAnIncidentOpenedByAnEdge_WhenAgreedHeartbeatsShowNoFault_ThenTheyDiffer() =>
        Assert.True(HeartbeatAgreement.Differs([], ["PAPER_OUT"]));

    [Fact]
    public void GivenARestartedAgentWithAFreshFaultSet_WhenItsHeartbeatsAgree_ThenTheyDiffer() =>
        Assert.True(HeartbeatAgreement.Differs(["WIFI_DOWN"], ["PAPER_OUT"]));

    [Fact]
    public void GivenTheSameFaultsOpen_ThenNothingToReconcile_AndSilenceOrUnknownCodesDoNotCount() =>
        Assert.False(HeartbeatAgreement.Differs(["PAPER_OUT", "NOT_IN_THE_CATALOGUE"], ["PAPER_OUT", DeviceDecider.Silent]));

    [Theory]
    [InlineData(false, true, true, true)]
    [InlineData(true, true, true, false)]  // the picture changed: wait for the next one
    [InlineData(false, false, true, false)] // one burst (outbox drain): edges may still be on the way
    [InlineData(false, true, false, false)] // not current
    public void TwoHeartbeatsAgreeOnlyWhenUnchangedSpacedAndCurrent(bool changed, bool spaced, bool fresh, bool agree) =>
        Assert.Equal(agree, HeartbeatAgreement.Agree(changed, spaced, fresh));
}
