using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>The real agent as its own OS process, so a test can kill it with SIGKILL like a power cut.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> output = [];

    private AgentProcess(Process process, Uri local)
    {
        this.process = process;
        Local = local;
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Local { get; }

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (output)
            {
                return [.. output];
            }
        }
    }

    public static async Task<AgentProcess> StartAsync(IDictionary<string, string> settings)
    {
        var local = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet", [AgentDll(), "--simulate"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var (key, value) in settings)
        {
            start.Environment["POSOPS__" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["POSOPS__Agent__LocalUrl"] = local.ToString().TrimEnd('/');
        var agent = new AgentProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the agent"), local);
        using var http = new HttpClient { BaseAddress = local };
        await Wait.UntilAsync(async () =>
        {
            if (agent.process.HasExited)
            {
                throw new InvalidOperationException($"the agent exited with {agent.process.ExitCode}:\n{string.Join('\n', agent.Output)}");
            }

            try
            {
                return (await http.GetAsync("/health/live")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the agent process to listen");
        return agent;
    }

    /// <summary>SIGKILL: no shutdown code runs, as when the terminal loses power.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.Add(line);
            }
        }
    }

    private static string AgentDll()
    {
        // Built with the solution, in the same configuration as the tests.
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(TestServers.RepositoryRoot(), "services", "PosOps.TerminalAgent", "bin", configuration, "net10.0", "PosOps.TerminalAgent.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build the solution first", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
