using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using PosOps.NotificationService.Kernel;
using PosOps.ServiceDefaults.Configuration;

namespace PosOps.NotificationService.Channels;

/// <summary>The SMTP server alerts are sent through. The password comes from configuration only.</summary>
public sealed class SmtpOptions : IValidatedOptions
{
    public const string Section = "Notification:Smtp";

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 25;

    public string From { get; set; } = "PosOps <posops@localhost>";

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>MailKit's SecureSocketOptions: None, Auto, SslOnConnect, StartTls, StartTlsWhenAvailable.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;

    public int TimeoutSeconds { get; set; } = 30;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            yield return "Host is required";
        }

        if (Port is < 1 or > 65535)
        {
            yield return $"Port must be 1-65535, got {Port}";
        }

        if (!MailboxAddress.TryParse(From, out _))
        {
            yield return $"From must be an address such as 'PosOps <posops@example.com>', got '{From}'";
        }

        if (TimeoutSeconds is < 1 or > 300)
        {
            yield return $"TimeoutSeconds must be 1-300, got {TimeoutSeconds}";
        }
    }
}

/// <summary>Email over SMTP with MailKit: one message with plain text and HTML, each in zh-CN and en.</summary>
public sealed class EmailChannel(IOptions<SmtpOptions> options) : IAlertChannel
{
    public string Type => ReceiverTypes.Email;

    public async Task<DeliveryAttempt> SendAsync(Alert alert, Receiver receiver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(receiver);
        var settings = options.Value;
        using var message = Compose(alert, receiver, settings.From);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var smtp = new SmtpClient { Timeout = settings.TimeoutSeconds * 1000 };
            await smtp.ConnectAsync(settings.Host, settings.Port, settings.Security, cancellationToken);
            if (!string.IsNullOrEmpty(settings.Username))
            {
                await smtp.AuthenticateAsync(settings.Username, settings.Password ?? "", cancellationToken);
            }

            await smtp.SendAsync(message, cancellationToken);
            await smtp.DisconnectAsync(true, cancellationToken);
            return new DeliveryAttempt(DeliveryOutcome.Delivered, 250, Stopwatch.GetElapsedTime(started), null);
        }
        catch (SmtpCommandException e)
        {
            // 5xx is a permanent refusal (unknown mailbox, policy); 4xx asks to try again later.
            var code = (int)e.StatusCode;
            return new DeliveryAttempt(code >= 500 ? DeliveryOutcome.Permanent : DeliveryOutcome.Transient, code, Stopwatch.GetElapsedTime(started), e.Message);
        }
        catch (AuthenticationException e)
        {
            return new DeliveryAttempt(DeliveryOutcome.Permanent, 535, Stopwatch.GetElapsedTime(started), e.Message);
        }
        catch (Exception e) when (e is SmtpProtocolException or ServiceNotConnectedException or IOException or SocketException or TimeoutException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new DeliveryAttempt(DeliveryOutcome.Transient, null, Stopwatch.GetElapsedTime(started), e.Message);
        }
    }

    public static MimeMessage Compose(Alert alert, Receiver receiver, string from)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(receiver);
        var text = AlertText.For(alert);
        var message = new MimeMessage { Subject = text.Title };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.AddRange(receiver.To.Select(MailboxAddress.Parse));
        message.Headers.Add("X-PosOps-Event-Id", alert.EventId.ToString());
        message.Headers.Add("X-PosOps-Incident-Id", alert.IncidentId.ToString());
        var ackText = alert.AckUrl is { } ack ? $"\n\n确认接手 / Acknowledge: {ack}" : "";
        var ackHtml = alert.AckUrl is { } link ? $"<p><a href=\"{WebUtility.HtmlEncode(link)}\">确认接手 / Acknowledge</a></p>" : "";
        static string Paragraphs(string body) => string.Join("", body.Split('\n').Select(l => $"<p>{WebUtility.HtmlEncode(l)}</p>"));
        message.Body = new BodyBuilder
        {
            TextBody = $"{text.TitleZh}\n{text.BodyZh}\n\n---\n\n{text.TitleEn}\n{text.BodyEn}{ackText}\n",
            HtmlBody = $"""
                <!doctype html><html><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(text.Title)}</title></head><body>
                <section lang="zh-CN"><h2>{WebUtility.HtmlEncode(text.TitleZh)}</h2>{Paragraphs(text.BodyZh)}</section>
                <hr><section lang="en"><h2>{WebUtility.HtmlEncode(text.TitleEn)}</h2>{Paragraphs(text.BodyEn)}</section>
                {ackHtml}<p style="color:#888">incident {alert.IncidentId} · event {alert.EventId}</p></body></html>
                """,
        }.ToMessageBody();
        return message;
    }
}
