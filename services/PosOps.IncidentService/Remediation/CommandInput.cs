using System.Text.RegularExpressions;
using PosOps.IncidentService.Incidents;
using PosOps.Contracts.Commands;

namespace PosOps.IncidentService.Remediation;

/// <summary>Body of POST /api/devices/{id}/commands.</summary>
public sealed record SendCommandRequest(CommandKind Kind, string? Network = null, string? NoticeEn = null, string? NoticeZh = null, int ExpiresInSeconds = 120, string IssuedBy = "ops");

/// <summary>What a command request may hold, so that every command recorded can also be sent.</summary>
public static partial class CommandInput
{
    public const int MaxDeviceIdLength = 64;
    public const int MaxNoticeLength = 500;
    public const int MaxIssuedByLength = 100;
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
            : request.NoticeEn?.Length > MaxNoticeLength || request.NoticeZh?.Length > MaxNoticeLength ? $"noticeEn and noticeZh must be at most {MaxNoticeLength} characters"
            : string.IsNullOrWhiteSpace(request.IssuedBy) || request.IssuedBy.Length > MaxIssuedByLength ? $"issuedBy must be 1-{MaxIssuedByLength} characters"
            : null;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex DeviceIdPattern();
}
