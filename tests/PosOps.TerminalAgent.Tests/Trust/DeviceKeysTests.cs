using System.Security.Cryptography;
using System.Text;
using PosOps.ServiceDefaults.Messaging;
using PosOps.TerminalAgent.Trust;

namespace PosOps.TerminalAgent.Tests.Trust;

public class DeviceKeysTests
{
    private const string FleetSecret = "fleet-secret-for-tests";

    [Fact]
    public void GivenAFleetSecret_WhenKeysAreDerived_ThenEachDeviceHasItsOwnStableKeyThatTheRegistryCanDeriveToo()
    {
        var keys = new DerivedDeviceKeys(FleetSecret);

        var a = keys.KeyFor("S01-T001");

        Assert.Equal(32, a.Length);
        Assert.Equal(a, keys.KeyFor("S01-T001"));
        Assert.Equal(a, AgentSignature.DeriveDeviceKey(FleetSecret, "S01-T001"));
        Assert.NotEqual(a, keys.KeyFor("S01-T002"));
        Assert.NotEqual(a, new DerivedDeviceKeys("another-fleet").KeyFor("S01-T001"));
    }

    [Fact]
    public void GivenConfiguredKeys_WhenAnUnknownDeviceAsks_ThenItIsToldNoKeyIsConfigured()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var keys = new ConfiguredDeviceKeys(new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["S01-T001"] = key });

        var error = Assert.Throws<InvalidOperationException>(() => keys.KeyFor("S01-T009"));

        Assert.Equal(key, keys.KeyFor("S01-T001"));
        Assert.Equal("no signing key configured for device 'S01-T009'", error.Message);
    }

    [Fact]
    public void GivenAMessage_WhenSigned_ThenTheSignatureIsTheDocumentedHmacThatAnyLanguageCanCompute()
    {
        var key = AgentSignature.DeriveDeviceKey(FleetSecret, "S01-T001");
        var body = Encoding.UTF8.GetBytes("""{"deviceId":"S01-T001","sequence":42}""");

        var signature = AgentSignature.Sign(key, "S01-T001", 42, body);

        var documented = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("S01-T001\n42\n" + """{"deviceId":"S01-T001","sequence":42}""")));
        Assert.Equal(documented, signature);
        Assert.True(AgentSignature.Verify(key, "S01-T001", 42, body, signature));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-signature")]
    public void GivenAMissingOrWrongSignature_WhenVerified_ThenItIsRejected(string? signature)
    {
        var key = AgentSignature.DeriveDeviceKey(FleetSecret, "S01-T001");

        Assert.False(AgentSignature.Verify(key, "S01-T001", 1, "{}"u8, signature));
    }

    [Fact]
    public void GivenASignedMessage_WhenAnyPartChanges_ThenItNoLongerVerifies()
    {
        var key = AgentSignature.DeriveDeviceKey(FleetSecret, "S01-T001");
        var body = """{"code":"PAPER_OUT"}"""u8.ToArray();
        var signature = AgentSignature.Sign(key, "S01-T001", 7, body);

        Assert.False(AgentSignature.Verify(key, "S01-T002", 7, body, signature));
        Assert.False(AgentSignature.Verify(key, "S01-T001", 8, body, signature));
        Assert.False(AgentSignature.Verify(key, "S01-T001", 7, """{"code":"PAPER_JAM"}"""u8, signature));
        Assert.False(AgentSignature.Verify(AgentSignature.DeriveDeviceKey(FleetSecret, "S01-T002"), "S01-T001", 7, body, signature));
    }
}
