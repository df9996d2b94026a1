using PosOps.ServiceDefaults.Security;

namespace PosOps.NotificationService.Tests.Security;

public sealed class AlertAckTokenTests
{
    private const string Secret = "a-secret-of-sixteen-plus";
    private static readonly Guid Incident = Guid.CreateVersion7();

    [Fact]
    public void GivenAFreshToken_ThenItNamesTheActor() =>
        Assert.Equal(new AckTokenCheck("钉钉 ops", null), AlertAckToken.Check(Secret, AlertAckToken.Create(Secret, Incident, "钉钉 ops", Given.Noon.AddHours(1)), Incident, Given.Noon));

    [Fact]
    public void GivenATokenPastItsExpiry_ThenRefusedAsExpired()
    {
        var check = AlertAckToken.Check(Secret, AlertAckToken.Create(Secret, Incident, "ops", Given.Noon), Incident, Given.Noon.AddSeconds(1));

        Assert.Equal((false, true), (check.Valid, check.Expired));
        Assert.Contains("expired", check.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenATamperedActorOrAnotherSecret_ThenTheSignatureDoesNotMatch()
    {
        var token = AlertAckToken.Create(Secret, Incident, "ops", Given.Noon.AddHours(1));
        var parts = token.Split('.');
        parts[1] = Convert.ToBase64String("mallory"u8.ToArray()).TrimEnd('=');

        Assert.Contains("signature", AlertAckToken.Check(Secret, string.Join('.', parts), Incident, Given.Noon).Problem, StringComparison.Ordinal);
        Assert.Contains("signature", AlertAckToken.Check("another-secret-entirely", token, Incident, Given.Noon).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenATokenForAnotherIncident_ThenRefused() =>
        Assert.False(AlertAckToken.Check(Secret, AlertAckToken.Create(Secret, Incident, "ops", Given.Noon.AddHours(1)), Guid.CreateVersion7(), Given.Noon).Valid);

    [Fact]
    public void GivenNoSecretConfigured_ThenEveryTokenIsRefused() =>
        Assert.Contains("not configured", AlertAckToken.Check(null, "a.b.c.d", Incident, Given.Noon).Problem, StringComparison.Ordinal);
}
