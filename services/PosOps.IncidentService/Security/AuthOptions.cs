using System.Text;
using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.Security;

/// <summary>One configured API key: who it is, what role it has, and optionally which stores it may see.</summary>
public sealed class ApiKeyOptions
{
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";

    public string Role { get; set; } = "";

    /// <summary>Store scope; empty means every store.</summary>
    public List<string> Stores { get; set; } = [];
}

/// <summary>HS256 bearer tokens signed by whoever holds the signing key (claims sub, role, stores).</summary>
public sealed class JwtOptions
{
    public string? SigningKey { get; set; }

    public string? Issuer { get; set; }

    public string? Audience { get; set; }
}

public sealed class AuthOptions : IValidatedOptions
{
    public const string Section = "Auth";

    /// <summary>Minimum key length: shorter keys can be guessed.</summary>
    public const int MinimumKeyLength = 16;

    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    public JwtOptions Jwt { get; set; } = new();

    /// <summary>An admin key for local use (./run.sh generates and prints one).</summary>
    public string? BootstrapAdminKey { get; set; }

    /// <summary>Every key, the bootstrap admin included.</summary>
    public IEnumerable<ApiKeyOptions> AllKeys() =>
        BootstrapAdminKey is { Length: > 0 } bootstrap
            ? ApiKeys.Append(new ApiKeyOptions { Name = "admin", Key = bootstrap, Role = Roles.Admin })
            : ApiKeys;

    public IEnumerable<string> Validate()
    {
        foreach (var (key, index) in ApiKeys.Select((k, i) => (k, i)))
        {
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                yield return $"ApiKeys:{index}:Name is required";
            }

            if (key.Key.Length < MinimumKeyLength)
            {
                yield return $"ApiKeys:{index}:Key must be at least {MinimumKeyLength} characters";
            }

            if (!Roles.All.Contains(key.Role))
            {
                yield return $"ApiKeys:{index}:Role must be one of {string.Join(", ", Roles.All)}, not '{key.Role}'";
            }
        }

        if (BootstrapAdminKey is { Length: > 0 and < MinimumKeyLength })
        {
            yield return $"BootstrapAdminKey must be at least {MinimumKeyLength} characters";
        }

        var keys = AllKeys().Select(k => k.Key).Where(k => k.Length > 0).ToList();
        if (keys.Count != keys.Distinct(StringComparer.Ordinal).Count())
        {
            yield return "ApiKeys hold the same key twice";
        }

        if (Jwt.SigningKey is { Length: > 0 } signing && Encoding.UTF8.GetByteCount(signing) < 32)
        {
            yield return "Jwt:SigningKey must be at least 32 bytes (HS256)";
        }
    }
}
