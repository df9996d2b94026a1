using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>
/// A real SMTP server on a free loopback port: Debian's python3-aiosmtpd with its Maildir handler,
/// so the test reads exactly what was received.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process process;
    private readonly string maildir;

    private SmtpSink(Process process, string maildir, int port)
    {
        this.process = process;
        this.maildir = maildir;
        Port = port;
    }

    public int Port { get; }

    public static async Task<SmtpSink> StartAsync()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var maildir = Path.Combine(Path.GetTempPath(), $"posops-smtp-{Guid.NewGuid():N}");
        // Debian's package installs for the system Python; a pyenv shim first on PATH would not see it.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python, ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", maildir])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start python3 -m aiosmtpd (apt-get install python3-aiosmtpd)");
        var sink = new SmtpSink(process, maildir, port);
        await Wait.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"aiosmtpd exited: {await process.StandardError.ReadToEndAsync()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), "aiosmtpd to listen");
        return sink;
    }

    public IReadOnlyList<MimeMessage> Messages()
    {
        var folder = Path.Combine(maildir, "new");
        return Directory.Exists(folder) ? [.. Directory.GetFiles(folder).Select(f => MimeMessage.Load(f))] : [];
    }

    public async Task<MimeMessage> WaitForAsync(Func<MimeMessage, bool> match, TimeSpan? timeout = null)
    {
        MimeMessage? found = null;
        await Wait.UntilAsync(() => Task.FromResult((found = Messages().FirstOrDefault(match)) is not null), timeout ?? TimeSpan.FromSeconds(30), "an email in the SMTP sink");
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        if (Directory.Exists(maildir))
        {
            Directory.Delete(maildir, recursive: true);
        }
    }
}
