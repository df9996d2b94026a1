using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PosOps.TerminalAgent;
using PosOps.TerminalAgent.Probes;
using PosOps.TerminalAgent.Terminals;

namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>The real terminal agent in simulation mode, hosted in the test process, with its own SQLite file.</summary>
public sealed class RunningAgent : IAsyncDisposable
{
    private RunningAgent(WebApplication app, string storePath)
    {
        App = app;
        StorePath = storePath;
    }

    public WebApplication App { get; }

    public string StorePath { get; }

    public TerminalFleet Fleet => App.Services.GetRequiredService<TerminalFleet>();

    public SimulatedHardware Hardware(string deviceId) => (SimulatedHardware)Fleet.Find(deviceId)!.Probes;

    public HttpClient Local() => new() { BaseAddress = new Uri(App.Urls.First()) };

    public static async Task<RunningAgent> StartAsync(string rabbitMqUri, string? storePath = null, int terminals = 2, IDictionary<string, string?>? extra = null)
    {
        storePath ??= Path.Combine(Path.GetTempPath(), "posops-agent-" + Guid.NewGuid().ToString("N") + ".db");
        var settings = new Dictionary<string, string?>
        {
            ["RabbitMq:Uri"] = rabbitMqUri,
            ["Agent:Store:Path"] = storePath,
            ["Agent:LocalUrl"] = "http://127.0.0.1:0",
            ["Agent:HeartbeatIntervalSeconds"] = "1",
            ["Agent:FailbackAfterSeconds"] = "3",
            ["Agent:RestartSeconds"] = "1",
            ["Agent:Simulation:Terminals"] = terminals.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Agent:Simulation:Stores"] = "1",
            ["Agent:Simulation:FaultEverySeconds"] = "0",
            ["Agent:Simulation:OfflineSaleEverySeconds"] = "0",
            ["Agent:Simulation:FleetSecret"] = TestAgent.FleetSecret,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = TerminalAgentApp.Build(["--simulate"], b => b.Configuration.AddInMemoryCollection(settings));
        await app.StartAsync();
        return new RunningAgent(app, storePath);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
