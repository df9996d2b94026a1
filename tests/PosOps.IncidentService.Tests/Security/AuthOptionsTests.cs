using System.Security.Claims;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PosOps.IncidentService.Security;
using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.Tests.Security;

public class AuthOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void GivenKeysWithRolesAndStores_WhenValidated_ThenTheBootstrapAdminJoinsThem()
    {
        var options = Config(
            ("Auth:ApiKeys:0:Name", "olivia"), ("Auth:ApiKeys:0:Key", "ops-key-0123456789"), ("Auth:ApiKeys:0:Role", "ops"), ("Auth:ApiKeys:0:Stores:0", "S01"),
            ("Auth:BootstrapAdminKey", "admin-key-0123456789")).GetValidated<AuthOptions>(AuthOptions.Section);

        Assert.Equal(["olivia:ops:S01", "admin:admin:"], options.AllKeys().Select(k => $"{k.Name}:{k.Role}:{string.Join(',', k.Stores)}"));
    }

    [Fact]
    public void GivenAShortKey_AnUnknownRole_AShortSigningKeyAndADuplicate_WhenValidated_ThenEachIsNamed()
    {
        var config = Config(
            ("Auth:ApiKeys:0:Name", "a"), ("Auth:ApiKeys:0:Key", "short"), ("Auth:ApiKeys:0:Role", "root"),
            ("Auth:ApiKeys:1:Name", "b"), ("Auth:ApiKeys:1:Key", "same-key-0123456789"), ("Auth:ApiKeys:1:Role", "ops"),
            ("Auth:BootstrapAdminKey", "same-key-0123456789"), ("Auth:Jwt:SigningKey", "too-short"));

        var error = Assert.Throws<OptionsValidationException>(() => config.GetValidated<AuthOptions>(AuthOptions.Section));

        Assert.Contains("ApiKeys:0:Key must be at least 16 characters", error.Message, StringComparison.Ordinal);
        Assert.Contains("ApiKeys:0:Role must be one of ops, auditor, admin, not 'root'", error.Message, StringComparison.Ordinal);
        Assert.Contains("the same key twice", error.Message, StringComparison.Ordinal);
        Assert.Contains("Jwt:SigningKey must be at least 32 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAUserWithStoresInOneClaimOrMany_WhenScoped_ThenOnlyThoseStoresAreAllowed()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(StoreScope.ClaimType, "S01, S02"), new Claim(StoreScope.ClaimType, "S03")], "test"));
        var everyone = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "ann")], "test"));

        Assert.Equal((true, true, false, false), (user.Allows("S02"), user.Allows("S03"), user.Allows("S04"), user.Allows(null)));
        Assert.Null(StoreScope.Of(everyone));
        Assert.True(everyone.Allows("S99"));
    }
}
