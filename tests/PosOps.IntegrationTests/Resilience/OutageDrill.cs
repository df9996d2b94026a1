using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PosOps.IntegrationTests.Resilience;

/// <summary>
/// A steady flow of fault edges and heartbeats while a dependency is stopped and started again, and
/// what must hold afterwards: every edge recorded once, one incident transition per edge, one alert
/// per transition, no host stopped, /health/ready not ready during the outage and ready after.
/// </summary>
public sealed class OutageDrill(RunningSystem system, RunningAgent agent, string[] devices)
{
    private static readonly (string Component, string Code)[] Faults = [("printer", "PAPER_OUT"), ("display", "DISPLAY_UNRESPONSIVE"), ("card-reader", "READER_FAULT")];
    private readonly Dictionary<string, List<string>> expected = devices.ToDictionary(d => d, _ => new List<string>());
    private readonly List<(TimeSpan At, bool Ready, string Body)> readiness = [];
    private readonly Stopwatch clock = new();
    private int step;

    /// <summary>
    /// The backlog after an outage arrives in a burst: no storm digest, so each transition is its own alert
    /// to count; no runbooks, whose restart commands would clear simulated faults the drill did not.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Notification:Rules:StormThreshold"] = "100000",
        ["Runbooks:Folder"] = NoRunbooks.Folder,
    };

    /// <summary>
    /// The drill: a steady flow before, during and after <paramref name="stop"/> … <paramref name="start"/>,
    /// then the checks; writes the recovery times measured.
    /// </summary>
    public static async Task RunAsync(RunningSystem system, RunningAgent agent, string[] devices, TimeSpan outage, Func<Task> stop, Func<Task> start, Action<string> output)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(stop);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(output);
        var drill = new OutageDrill(system, agent, devices);
        await Wait.UntilAsync(async () => (await system.Api.GetAsync($"/api/devices/{devices[^1]}")).IsSuccessStatusCode, TimeSpan.FromSeconds(30), "first heartbeats");
        await drill.FlowAsync(TimeSpan.FromSeconds(6));

        await stop();
        var down = drill.Readiness.Count;
        await drill.FlowAsync(outage);
        Assert.Contains(drill.Readiness.Skip(down), r => !r.Ready);

        var restart = Stopwatch.StartNew();
        await start();
        var up = restart.Elapsed;
        var ready = await drill.UntilReadyAsync(TimeSpan.FromSeconds(60));
        output($"back in {up.TotalSeconds:0.0} s; /health/ready ready {ready.TotalSeconds:0.0} s later");
        var edges = await drill.UntilEveryEdgeAsync(TimeSpan.FromSeconds(120));
        output($"every edge recorded {edges.TotalSeconds:0.0} s after that");
        var alerts = await drill.AssertExactlyOnceAsync(TimeSpan.FromSeconds(120));
        AssertRunning(system.IncidentService, system.Notifications, agent?.App);
        output($"every alert {alerts.TotalSeconds:0.0} s after that. Not ready during the outage: {drill.Readiness.Skip(down).FirstOrDefault(r => !r.Ready).Body}");
    }

    public static TimeSpan Seconds(string variable, int fallback) =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable(variable), CultureInfo.InvariantCulture, out var s) ? s : fallback);

    /// <summary>Fails and mends the terminals' components every few seconds for <paramref name="length"/>, sampling readiness.</summary>
    public async Task FlowAsync(TimeSpan length)
    {
        clock.Start();
        var until = clock.Elapsed + length;
        while (clock.Elapsed < until)
        {
            var (component, code) = Faults[step / 2 % Faults.Length];
            foreach (var device in devices)
            {
                if (step % 2 == 0)
                {
                    agent.Hardware(device).Fail(component, code);
                    expected[device].Add($"fault_detected {code}");
                }
                else
                {
                    agent.Hardware(device).Mend(component);
                    expected[device].Add($"fault_cleared {code}");
                }
            }

            step++;
            for (var i = 0; i < 3; i++)
            {
                await SampleReadinessAsync();
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    public async Task SampleReadinessAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(system.IncidentService.Urls.First()), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var response = await http.GetAsync("/health/ready");
            readiness.Add((clock.Elapsed, response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync()));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            readiness.Add((clock.Elapsed, false, e.Message));
        }
    }

    public IReadOnlyList<(TimeSpan At, bool Ready, string Body)> Readiness => readiness;

    /// <summary>Waits until IncidentService answers ready again; returns how long that took from now.</summary>
    public async Task<TimeSpan> UntilReadyAsync(TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        await Wait.UntilAsync(async () =>
        {
            await SampleReadinessAsync();
            return readiness[^1].Ready;
        }, timeout, "/health/ready to answer ready");
        return waited.Elapsed;
    }

    /// <summary>Waits until every edge is in the device streams; returns how long that took from now.</summary>
    public async Task<TimeSpan> UntilEveryEdgeAsync(TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        await Wait.UntilAsync(async () =>
        {
            foreach (var device in devices)
            {
                if ((await EdgesAsync(device)).Count < expected[device].Count)
                {
                    return false;
                }
            }

            return true;
        }, timeout, "every edge produced during the outage");
        return waited.Elapsed;
    }

    /// <summary>
    /// Every edge once and in order; each edge one transition; each transition one alert (by event id);
    /// one incident's alerts reached the receiver in the order its transitions were committed.
    /// </summary>
    public async Task<TimeSpan> AssertExactlyOnceAsync(TimeSpan alertTimeout)
    {
        var transitions = new List<string>();
        var committed = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            Assert.Equal(expected[device], await EdgesAsync(device));
            var events = await system.EventsAsync(device);
            var mine = events.Where(e => e.GetProperty("type").GetString() is "incident_opened" or "incident_reopened" or "incident_resolved").ToList();
            Assert.Equal(expected[device].Count, mine.Count);
            transitions.AddRange(mine.Select(e => e.GetProperty("id").GetString()!));
            foreach (var e in mine)
            {
                var incident = e.GetProperty("data").GetProperty("incidentId").GetString()!;
                (committed.TryGetValue(incident, out var ids) ? ids : committed[incident] = []).Add(e.GetProperty("id").GetString()!);
            }
        }

        var waited = Stopwatch.StartNew();
        await Wait.UntilAsync(() => Task.FromResult(transitions.All(id => system.Webhook.Received.Any(w => !w.Failed && w.Field("eventId") == id))), alertTimeout,
            "an alert for every transition");
        var alerted = system.Webhook.Received.Where(w => !w.Failed).GroupBy(w => w.Field("eventId")).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(transitions, id => Assert.Equal(1, alerted.GetValueOrDefault(id)));
        var arrived = system.Webhook.Received.Where(w => !w.Failed).Select(w => w.Field("eventId")).ToList();
        foreach (var (incident, ids) in committed)
        {
            Assert.True(ids.SequenceEqual(arrived.Where(ids.Contains)), $"incident {incident}: alerts arrived as {string.Join(", ", arrived.Where(ids.Contains))}, committed as {string.Join(", ", ids)}");
        }

        return waited.Elapsed;
    }

    /// <summary>No host stopped itself (a loop that gave up would have stopped it: BackgroundServiceExceptionBehavior.StopHost).</summary>
    public static void AssertRunning(params WebApplication?[] hosts)
    {
        foreach (var host in hosts.OfType<WebApplication>())
        {
            Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, "a host stopped during the outage");
        }
    }

    private async Task<List<string>> EdgesAsync(string device)
    {
        var response = await system.Api.GetAsync($"/api/devices/{device}/events");
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() is "fault_detected" or "fault_cleared")
            .Select(e => $"{e.GetProperty("type").GetString()} {e.GetProperty("data").GetProperty("faultCode").GetString()}")];
    }
}
