using System.Security.Claims;

namespace PosOps.IncidentService.Security;

/// <summary>Who may do what (issue 6): ops read and act on incidents, auditors read, export and verify, admins do everything.</summary>
public static class Roles
{
    public const string Ops = "ops";
    public const string Auditor = "auditor";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Ops, Auditor, Admin];
}

/// <summary>Authorization policies, one per kind of endpoint. Require one on every new endpoint (the fallback is "authenticated").</summary>
public static class Policies
{
    /// <summary>Any role: list and read devices, events, incidents, state, stats, the live stream.</summary>
    public const string Read = "posops.read";

    /// <summary>Incident actions and remediation commands: ops and admin.</summary>
    public const string Act = "posops.act";

    /// <summary>Export and verify: auditor and admin.</summary>
    public const string Audit = "posops.audit";

    /// <summary>Registry, runbooks, routing: admin only.</summary>
    public const string Admin = "posops.admin";
}

/// <summary>Object-level access: a user with a store scope sees and acts on only those stores.</summary>
public static class StoreScope
{
    /// <summary>The claim that carries one store (or a comma list) of the user's scope.</summary>
    public const string ClaimType = "stores";

    /// <summary>The stores the user is limited to, or null for every store.</summary>
    public static IReadOnlySet<string>? Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var stores = user.FindAll(ClaimType)
            .SelectMany(c => c.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
        return stores.Count == 0 ? null : stores;
    }

    public static bool Allows(this ClaimsPrincipal user, string? storeId) =>
        Of(user) is not { } scope || (storeId is not null && scope.Contains(storeId));

    /// <summary>The actor recorded for what the user does.</summary>
    public static string Actor(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Identity?.Name ?? "unknown";
    }
}
