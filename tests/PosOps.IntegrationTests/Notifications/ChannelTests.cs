using System.Globalization;
using MimeKit;

namespace PosOps.IntegrationTests.Notifications;

/// <summary>Every channel in the format its service documents, checked by a real receiver on loopback; email through a real SMTP server.</summary>
public sealed class ChannelTests(TestServers servers) : NotificationTest(servers)
{
    protected override bool WithSmtp => true;

    protected override string Rules => $"""
        timeZone: Asia/Shanghai
        receivers:
          - name: ops-slack
            type: slack
            url: "{"{chat}"}/slack"
          - name: ops-dingtalk
            type: dingtalk
            url: "{"{chat}"}/dingtalk?access_token=test-token"
            secret: config:Notification:Secrets:DingTalk
          - name: ops-wecom
            type: wecom
            url: "{"{chat}"}/wecom?key=test-key"
          - name: ops-feishu
            type: feishu
            url: "{"{chat}"}/feishu"
            secret: config:Notification:Secrets:Feishu
          - name: ops-sms
            type: sms
            url: "{"{chat}"}/sms"
            secret: config:Notification:Secrets:Sms
            to: ["+8613800000000"]
            maxLength: {ChatReceiver.SmsMaxLength}
          - name: ops-email
            type: email
            to: [ops@example.com]
          - name: ops-hook
            type: webhook
            url: "{"{chat}"}/webhook"
            secret: config:Notification:Secrets:Webhook
        routes:
          - name: everything
            firstLine: [ops-slack, ops-dingtalk, ops-wecom, ops-feishu, ops-sms, ops-email, ops-hook]
        """;

    [Fact]
    public async Task GivenEveryChannel_WhenAnIncidentOpens_ThenEachReceiverGetsItsDocumentedFormat_SignedAndWithAnAckLink()
    {
        var opened = Opened("S21-T001");

        await PublishAsync(opened);

        foreach (var service in new[] { "slack", "dingtalk", "wecom", "feishu", "sms", "webhook" })
        {
            await Chat.WaitForAsync(service);
        }

        Assert.All(Chat.Received, r => Assert.Null(r.Problem));
        var slack = Chat.Received.Single(r => r.Service == "slack").Json;
        var button = slack.GetProperty("blocks").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "actions").GetProperty("elements")[0];
        Assert.Contains($"/api/incidents/{opened.IncidentId}/ack?token=", button.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Contains("新故障", Chat.Received.Single(r => r.Service == "dingtalk").Json.GetProperty("markdown").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("WIFI_DOWN", Chat.Received.Single(r => r.Service == "wecom").Json.GetProperty("markdown").GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(opened.EventId.ToString(), Chat.Received.Single(r => r.Service == "webhook").Json.GetProperty("eventId").GetString());

        var email = await Smtp!.WaitForAsync(m => m.Headers["X-PosOps-Event-Id"] == opened.EventId.ToString());
        Assert.Contains("新故障", email.Subject, StringComparison.Ordinal);
        Assert.Contains("Incident opened", email.Subject, StringComparison.Ordinal);
        Assert.Equal("ops@example.com", Assert.Single(email.To.Mailboxes).Address);
        Assert.Contains("终端：S21-T001", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("Blocking: no card payments", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("lang=\"zh-CN\"", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("lang=\"en\"", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("/ack?token=", email.HtmlBody, StringComparison.Ordinal);
        Assert.IsType<MultipartAlternative>(email.Body);
    }

    [Fact]
    public async Task GivenALongAlert_WhenSentBySms_ThenTheTextIsCutToTheGatewayLimit()
    {
        await PublishAsync(Opened("S22-T0000000000000000000000001", code: "PAYMENT_HOST_UNREACHABLE"));

        var sms = await Chat.WaitForAsync("sms");

        var text = sms.Json.GetProperty("text").GetString()!;
        Assert.Equal(ChatReceiver.SmsMaxLength, new StringInfo(text).LengthInTextElements);
        Assert.EndsWith("…", text, StringComparison.Ordinal);
    }
}
