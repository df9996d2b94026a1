using System.Text.RegularExpressions;

namespace PosOps.IncidentService.Api;

/// <summary>
/// The documented limits of every HTTP input (README, "HTTP API"). Pure, so each rule is unit tested;
/// <see cref="ApiInputGuard"/> applies the ones every endpoint shares, the endpoints their own.
/// </summary>
public static partial class ApiLimits
{
    /// <summary>Largest request body; a bigger one is answered 413 unread.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Longest query or route value (an acknowledge token is the longest legitimate one).</summary>
    public const int MaxValueLength = 1024;

    /// <summary>Device and store ids, as on the wire.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Longest workaround or note an operator records.</summary>
    public const int MaxTextLength = 2000;

    /// <summary>Query parameters that name a device or store.</summary>
    public static readonly IReadOnlySet<string> IdParameters = new HashSet<string>(["storeId", "store", "deviceId", "device"], StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex("^[A-Za-z0-9._:-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    /// <summary>Why a query or route value is refused, or null. No control characters: PostgreSQL cannot store U+0000, and no id holds one.</summary>
    public static string? ValueProblem(string name, string? value) =>
        value is null ? null
        : value.Length > MaxValueLength ? $"{name} must be at most {MaxValueLength} characters"
        : value.Any(char.IsControl) ? $"{name} must not contain control characters"
        : null;

    /// <summary>Why a device or store id is refused, or null: 1-64 letters, digits and . _ : - (the wire's id).</summary>
    public static string? IdProblem(string name, string? value) =>
        value is null ? null
        : value.Length is 0 or > MaxIdLength || !IdPattern().IsMatch(value) ? $"{name} must be 1-{MaxIdLength} letters, digits, '.', '_', ':' or '-'"
        : null;

    /// <summary>Why free text (a workaround, a note) is refused, or null. Line breaks are fine; U+0000 is not storable.</summary>
    public static string? TextProblem(string name, string? value, bool required = false, int max = MaxTextLength) =>
        string.IsNullOrWhiteSpace(value) ? (required ? $"{name} is required" : null)
        : value.Length > max ? $"{name} must be at most {max} characters, got {value.Length}"
        : value.Contains('\0', StringComparison.Ordinal) ? $"{name} must not contain NUL characters"
        : null;
}
