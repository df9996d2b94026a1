using System.Text.RegularExpressions;
using PosOps.IncidentService.Incidents;
using PosOps.Contracts.Commands;

namespace PosOps.IncidentService.Remediation;

/// <summary>Body of POST /api/devices/{id}/commands.</summary>
/// <param name="IssuedBy">Accepted for older clients and ignored: the actor recorded is the authenticated caller.</param>
public sealed record SendCommandRequest(CommandKind Kind, string? Network = null, string? NoticeEn = null, string? NoticeZh = null, int ExpiresInSeconds = 120, string? IssuedBy = null);

/// <summary>What a command request may hold, so that every command recorded can also be sent.</summary>
public static partial class CommandInput
{
    public const int MaxDeviceIdLength = 64;
    public const int MaxNoticeLength = 500;
    public const int MaxExpiresInSeconds = 86_400;
    private static readonly string[] Networks = ["ethernet", "wifi", "cellular", "hotspot"];

    /// <summary>A device id: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters.</summary>
    public static bool IsDeviceId(string? id) => id is { Length: > 0 and <= MaxDeviceIdLength } && DeviceIdPattern().IsMatch(id) && StreamIds.IsTerminal(id);

    /// <summary>Why the request cannot be a command, or null.</summary>
    public static string? Problem(string id, SendCommandRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return !IsDeviceId(id) ? $"device id must be 1-{MaxDeviceIdLength} letters, digits, '.', '_' or '-'"
            : !Enum.IsDefined(request.Kind) ? "kind is not a known command"
            : request.Network is { } network && !Networks.Contains(network, StringComparer.Ordinal) ? "network must be ethernet, wifi, cellular or hotspot"
            : request.Kind == CommandKind.SwitchNetwork && request.Network is null ? "switchNetwork needs network (ethernet, wifi, cellular or hotspot)"
            : request.Kind != CommandKind.SwitchNetwork && request.Network is not null ? "network is only for switchNetwork"
            : Notice("noticeEn", request.NoticeEn) ?? Notice("noticeZh", request.NoticeZh)
            ?? (request.ExpiresInSeconds is < 1 or > MaxExpiresInSeconds ? $"expiresInSeconds must be 1-{MaxExpiresInSeconds}" : null);
    }

    private static string? Notice(string field, string? text) =>
        text is null ? null
        : text.Length > MaxNoticeLength ? $"{field} must be at most {MaxNoticeLength} characters"
        : text.Contains('\0', StringComparison.Ordinal) ? $"{field} must not contain NUL characters"
        : null;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex DeviceIdPattern();
}
