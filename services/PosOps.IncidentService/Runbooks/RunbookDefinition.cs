using System.Text.Json.Serialization;

namespace PosOps.IncidentService.Runbooks;

/// <summary>A text in the two languages every runbook must speak (the guide's own zh-CN, and en).</summary>
public sealed record LocalizedText(
    [property: JsonPropertyName("en")] string? En,
    [property: JsonPropertyName("zh-CN")] string? ZhCn);

/// <summary>
/// One runbook file: the guide's steps for one kind of fault, as data. Loaded and validated at
/// start-up (<see cref="RunbookLibrary"/>); a bad file stops the service.
/// </summary>
public sealed record Runbook(
    string Id,
    IReadOnlyList<string> Faults,
    LocalizedText Title,
    IReadOnlyList<RunbookStep> Steps,
    LocalizedText? CustomerNotice = null)
{
    /// <summary>The file it came from, for messages.</summary>
    [JsonIgnore]
    public string File { get; init; } = "";

    public RunbookStep Step(string id) => Steps.First(s => string.Equals(s.Id, id, StringComparison.Ordinal));

    /// <summary>The step after <paramref name="id"/> in file order, or null at the end.</summary>
    public RunbookStep? After(string id)
    {
        var index = Steps.ToList().FindIndex(s => string.Equals(s.Id, id, StringComparison.Ordinal));
        return index >= 0 && index + 1 < Steps.Count ? Steps[index + 1] : null;
    }
}

/// <summary>
/// A step. <see cref="Kind"/> says who does it: <c>automatic</c> (a command to the agent, judged by its
/// answer and, with <see cref="SettleSeconds"/>, by whether the fault then clears), <c>manual</c> (ops ticks
/// it with a note), <c>contact</c> (vendor or ISP, details filled in from the registry; ops ticks it),
/// <c>continuity</c> (keep the store trading: backup terminal or offline mode).
/// </summary>
/// <param name="OnSuccess">Where to go next when the step succeeds: <c>next</c> (default), <c>end</c>, <c>escalate</c> or a step id.</param>
/// <param name="OnFailure">Where to go when it fails or times out; same values.</param>
public sealed record RunbookStep(
    string Id,
    string Kind,
    LocalizedText Text,
    string? Command = null,
    string? Network = null,
    string? Contact = null,
    string? Action = null,
    int TimeoutSeconds = 0,
    int SettleSeconds = 0,
    string? OnSuccess = null,
    string? OnFailure = null)
{
    public const string Automatic = "automatic";
    public const string Manual = "manual";
    public const string ContactKind = "contact";
    public const string Continuity = "continuity";

    public const string Next = "next";
    public const string End = "end";
    public const string Escalate = "escalate";

    public const string BackupTerminal = "backup-terminal";
    public const string OfflineMode = "offline-mode";

    public const string Vendor = "vendor";
    public const string Isp = "isp";
}
