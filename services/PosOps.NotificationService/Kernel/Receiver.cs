using PosOps.Contracts.Incidents;

namespace PosOps.NotificationService.Kernel;

/// <summary>A receiver as the channels need it, secrets resolved. Routing produces it, channels send to it.</summary>
public sealed record Receiver(string Name, string Type, string? Url, string? Secret, IReadOnlyList<string> To, string? Template, int MaxLength);

/// <summary>Names of the receiver types the channels implement (and the rules file may name).</summary>
public static class ReceiverTypes
{
    public const string Webhook = "webhook";
    public const string Slack = "slack";
    public const string DingTalk = "dingtalk";
    public const string WeCom = "wecom";
    public const string Feishu = "feishu";
    public const string Email = "email";
    public const string Sms = "sms";

    public static readonly IReadOnlyList<string> All = [Webhook, Slack, DingTalk, WeCom, Feishu, Email, Sms];

    public static readonly IReadOnlyList<string> Severities = [.. Enum.GetNames<Severity>().Select(n => n.ToLowerInvariant())];
}
