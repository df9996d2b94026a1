using System.Text;
using PosOps.Contracts.Agent;
using PosOps.IncidentService.AgentInbox;
using PosOps.ServiceDefaults.Messaging;

namespace PosOps.IncidentService.Tests.AgentInbox;

/// <summary>Who may say what: the registry's key signs, the registry's store holds, the replay window bounds.</summary>
public class MessageTrustJudgeTests
{
    private static readonly byte[] Key = AgentSignature.DeriveDeviceKey("unit-fleet", "S03-T002");
    private static readonly RegisteredDevice InS03 = new("S03", Key);
    private static readonly TrustOptions Signed = new();
    private static readonly TrustOptions Unsigned = new() { RequireSignatures = false };

    private static ReceivedAgentMessage Message(string storeId, long sequence = 10, byte[]? signWith = null)
    {
        var fault = new FaultReported(Guid.CreateVersion7(), "S03-T002", storeId, sequence, "printer", "PAPER_OUT", DateTimeOffset.UnixEpoch);
        var body = Encoding.UTF8.GetBytes($"{{\"storeId\":\"{storeId}\",\"sequence\":{sequence}}}");
        return new ReceivedAgentMessage(fault, body, AgentSignature.Sign(signWith ?? Key, fault.DeviceId, sequence, body));
    }

    [Fact]
    public void GivenARegisteredDeviceSigningCorrectly_WhenItNamesItsStore_ThenTrusted()
    {
        Assert.Null(MessageTrust.Judge(Message("S03"), InS03, highest: 5, Signed));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GivenARegisteredDevice_WhenItsSignedMessageNamesAnotherStore_ThenRejectedNamingBothStores(bool requireSignatures)
    {
        var verdict = MessageTrust.Judge(Message("S99"), InS03, highest: null, requireSignatures ? Signed : Unsigned);

        Assert.Equal("storeId 'S99' does not match the device registry, which has device 'S03-T002' in store 'S03'", verdict);
    }

    [Fact]
    public void GivenAnUnregisteredDevice_WhenSignaturesAreRequired_ThenRejectedAsUnknown_AndWithoutThemItsStoreIsNotJudged()
    {
        Assert.Equal("device 'S03-T002' is not in the device registry", MessageTrust.Judge(Message("S99"), null, null, Signed));
        Assert.Null(MessageTrust.Judge(Message("S99"), null, null, Unsigned));
    }

    [Fact]
    public void GivenAForgedOrUnsignedMessage_WhenJudged_ThenTheSignatureIsTheReason()
    {
        var forged = Message("S03", signWith: AgentSignature.DeriveDeviceKey("other-fleet", "S03-T002"));
        var unsigned = Message("S03") with { Signature = null };

        Assert.Equal("signature does not match (forged or altered message)", MessageTrust.Judge(forged, InS03, null, Signed));
        Assert.Equal("unsigned message", MessageTrust.Judge(unsigned, InS03, null, Signed));
    }

    [Fact]
    public void GivenASequenceAWindowBelowTheHighest_WhenJudged_ThenRejectedAsReplayed()
    {
        var verdict = MessageTrust.Judge(Message("S03", sequence: 10), InS03, highest: 10 + Signed.ReplayWindow, Signed);

        Assert.StartsWith("replayed: sequence 10", verdict, StringComparison.Ordinal);
    }
}
