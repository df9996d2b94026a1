using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace PosOps.IntegrationTests.Agent;

/// <summary>
/// The broker is stopped (default 60 s, POSOPS_OUTAGE_SECONDS to change) while terminals keep
/// failing and recovering: every edge produced meanwhile arrives afterwards, in order per device.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class BrokerOutageTests(TestServers servers, ITestOutputHelper output)
{
    private static readonly (string Component, string Code)[] Faults = [("printer", "PAPER_OUT"), ("display", "DISPLAY_UNRESPONSIVE"), ("card-reader", "READER_FAULT")];

    [Fact]
    public async Task GivenTheBrokerIsStopped_WhileTerminalsFailAndRecover_ThenEveryEdgeArrivesAfterwardsInOrderPerDevice()
    {
        var outage = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("POSOPS_OUTAGE_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 60);
        await using var broker = new DedicatedBroker(servers.PostgresConnectionString);
        await broker.UpAsync();
        await using var environment = (await TestEnvironment.CreateAsync(servers)).UseBroker(broker.Uri);
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var system = await RunningSystem.StartAsync(environment, webhook, notifications: false);
        string[] devices = ["S01-T001", "S01-T002"];
        foreach (var device in devices)
        {
            await system.Agent.EnsureRegisteredAsync(device);
        }

        await using var agent = await RunningAgent.StartAsync(broker.Uri, terminals: devices.Length);
        await Wait.UntilAsync(async () => (await system.Api.GetAsync($"/api/devices/{devices[1]}")).IsSuccessStatusCode, TimeSpan.FromSeconds(30), "first heartbeats");

        var stopping = Stopwatch.StartNew();
        await broker.DownAsync();
        output.WriteLine($"broker stopped in {stopping.Elapsed.TotalSeconds:0.0} s; outage of {outage.TotalSeconds} s begins");

        var expected = devices.ToDictionary(d => d, _ => new List<string>());
        var clock = Stopwatch.StartNew();
        for (var step = 0; clock.Elapsed < outage; step++)
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

            await Task.Delay(TimeSpan.FromSeconds(Math.Min(3, outage.TotalSeconds / 4)));
        }

        var restarted = Stopwatch.StartNew();
        await broker.UpAsync();
        var brokerUp = restarted.Elapsed;
        await Wait.UntilAsync(async () =>
        {
            foreach (var device in devices)
            {
                if ((await EdgesAsync(system, device)).Count < expected[device].Count)
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(120), "every edge produced during the outage");
        output.WriteLine($"broker back in {brokerUp.TotalSeconds:0.0} s; every edge recorded {(restarted.Elapsed - brokerUp).TotalSeconds:0.0} s later ({expected.Sum(e => e.Value.Count)} edges on {devices.Length} devices)");

        foreach (var device in devices)
        {
            Assert.Equal(expected[device], await EdgesAsync(system, device));
        }
    }

    private static async Task<List<string>> EdgesAsync(RunningSystem system, string device)
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
