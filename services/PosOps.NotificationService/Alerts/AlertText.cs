using PosOps.Contracts.Incidents;

namespace PosOps.NotificationService;

/// <summary>An alert in ops' two languages (zh-CN first, the guide's language; then en).</summary>
public sealed record AlertText(string TitleZh, string TitleEn, string BodyZh, string BodyEn)
{
    public string Title => $"{TitleZh} / {TitleEn}";

    public static AlertText For(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var (kindZh, kindEn) = Kind(alert.Kind);
        var (severityZh, severityEn) = alert.Severity switch
        {
            Severity.Blocking => ("严重：无法刷卡", "Blocking: no card payments"),
            Severity.Degraded => ("降级：可刷卡，部分功能受影响", "Degraded: card payments work, something is missing"),
            Severity.Minor => ("轻微", "Minor"),
            _ => ("", ""),
        };
        var where = alert.Kind == Alert.DigestKind || alert.DeviceId == "*" ? "" : $"{alert.DeviceId} ({alert.StoreId})";
        var titleZh = $"[PosOps] {kindZh} {alert.FaultCode} {where}".TrimEnd();
        var titleEn = $"[PosOps] {kindEn} {alert.FaultCode} {where}".TrimEnd();
        var bodyZh = string.Join('\n', new[]
        {
            $"{kindZh}：{alert.FaultCode}",
            where.Length > 0 ? $"终端：{alert.DeviceId}，门店：{alert.StoreId}" : null,
            severityZh.Length > 0 ? $"级别：{severityZh}" : null,
            alert.Level is { } level ? $"升级层级：{level}" : null,
            alert.Detail is { Length: > 0 } detail ? $"说明：{detail}" : null,
            $"时间：{alert.OccurredAt:yyyy-MM-dd HH:mm:ss zzz}",
        }.Where(l => l is not null));
        var bodyEn = string.Join('\n', new[]
        {
            alert.Text,
            severityEn.Length > 0 ? $"Severity: {severityEn}" : null,
            $"At: {alert.OccurredAt:yyyy-MM-dd HH:mm:ss zzz}",
        }.Where(l => l is not null));
        return new(titleZh, titleEn, bodyZh, bodyEn);
    }

    private static (string Zh, string En) Kind(string kind) => kind switch
    {
        "incident.opened" => ("新故障", "Incident opened"),
        "incident.acknowledged" => ("已确认", "Acknowledged"),
        "incident.mitigated" => ("已缓解", "Mitigated"),
        "incident.escalated" => ("已升级", "Escalated"),
        "incident.reopened" => ("故障复发", "Reopened"),
        "incident.resolved" => ("已恢复", "Resolved"),
        "incident.verified" => ("已验证", "Verified"),
        "incident.closed" => ("已关闭", "Closed"),
        "store.outage.detected" => ("门店中断", "Store outage"),
        "store.outage.resolved" => ("门店恢复", "Store outage resolved"),
        "platform.outage.detected" => ("平台中断", "Platform outage"),
        "platform.outage.resolved" => ("平台恢复", "Platform outage resolved"),
        Alert.DigestKind => ("告警汇总", "Alert digest"),
        _ => (kind, kind),
    };
}
