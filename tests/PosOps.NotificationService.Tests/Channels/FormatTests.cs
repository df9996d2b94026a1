using System.Globalization;
using PosOps.NotificationService.Channels;
using PosOps.NotificationService.Kernel;

namespace PosOps.NotificationService.Tests.Channels;

public sealed class FormatTests
{
    [Fact]
    public void GivenDingTalksDocumentedExample_ThenTheSignatureMatches() =>
        // timestamp + "\n" + secret, HMAC-SHA256 keyed with the secret, base64.
        Assert.Equal(
            Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData("SEC000"u8.ToArray(), "1700000000000\nSEC000"u8.ToArray())),
            DingTalkChannel.Sign("SEC000", "1700000000000"));

    [Fact]
    public void GivenFeishusScheme_ThenTheKeyIsTimestampAndSecret_AndTheDataEmpty() =>
        Assert.Equal(
            Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData("1700000000\nsecret"u8.ToArray(), Array.Empty<byte>())),
            FeishuChannel.Sign("secret", "1700000000"));

    [Fact]
    public void GivenAnSmsTemplate_ThenItIsFilledAndCutToTheLimitInWholeCharacters()
    {
        var text = SmsChannel.Render("【PosOps】{title} {faultCode}", Given.Opened("S01-T001"), 24);

        Assert.Equal(24, new StringInfo(text).LengthInTextElements);
        Assert.StartsWith("【PosOps】[PosOps] 新故障", text, StringComparison.Ordinal);
        Assert.EndsWith("…", text, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenALongWeComMessage_ThenItIsCutBelow4096Bytes() =>
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(WeComChannel.Utf8Limit(new string('故', 3000), WeComChannel.MaxContentBytes)) <= WeComChannel.MaxContentBytes);

    [Fact]
    public void GivenAnAlert_ThenTheEmailHasPlainTextAndHtml_InChineseAndEnglish()
    {
        var receiver = new Receiver("ops", ReceiverTypes.Email, null, null, ["ops@example.com"], null, 70);
        using var message = EmailChannel.Compose(Given.Opened() with { AckUrl = "http://127.0.0.1:5080/api/incidents/x/ack?token=t" }, receiver, "PosOps <posops@example.com>");

        Assert.Contains("新故障", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Incident opened", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<section lang=\"zh-CN\">", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("ack?token=t", message.HtmlBody, StringComparison.Ordinal);
    }
}
