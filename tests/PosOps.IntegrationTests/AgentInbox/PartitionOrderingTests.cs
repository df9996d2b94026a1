using PosOps.Contracts;
using PosOps.IncidentService.AgentInbox;
using RabbitMQ.Client.Exceptions;

namespace PosOps.IntegrationTests.AgentInbox;

/// <summary>
/// Issue 3: a device's messages take effect in the order sent, even with several IncidentService
/// replicas (consistent-hash partitions, one active consumer each), and a replica that stops hands its
/// partitions to another without losing or doubling anything.
/// </summary>
public sealed class PartitionOrderingTests(TestServers servers) : SystemTest(servers)
{
    protected override int IncidentServices => 2;

    protected override bool WithNotifications => false;

    [Fact]
    public async Task GivenTwoInstances_WhenManyDevicesSendFaultClearSequencesInParallel_ThenEachDeviceSeesThemInOrder_AndHasOneIncident()
    {
        var devices = NewDevices(40, "S31", "S32", "S33", "S34");

        await Task.WhenAll(devices.Select(d => SendEdgesAsync(d, from: 1, to: 10)));

        await WaitForEdgesAsync(devices, 10);
        foreach (var device in devices)
        {
            await AssertEdgesInOrderAsync(device, 10);
        }

        await AssertOneIncidentPerDeviceAsync(devices, "S31", "S32", "S33", "S34");
    }

    [Fact]
    public async Task GivenTwoInstances_WhenTheActiveOneStopsWhileDevicesSend_ThenTheOtherTakesOverItsPartitions_AndNothingIsLostOrDoubled()
    {
        var devices = NewDevices(30, "S35", "S36", "S37");
        await Task.WhenAll(devices.Select(d => SendEdgesAsync(d, from: 1, to: 2)));
        await WaitForEdgesAsync(devices, 2);

        // The first instance subscribed first, so it is the active consumer of every partition.
        var sending = Task.WhenAll(devices.Select(d => SendEdgesAsync(d, from: 3, to: 8, pause: TimeSpan.FromMilliseconds(40))));
        await Task.Delay(150);
        await System.StopIncidentServiceAsync(System.IncidentServiceHosts[0]);
        await sending;

        await WaitForEdgesAsync(devices, 8);
        foreach (var device in devices)
        {
            await AssertEdgesInOrderAsync(device, 8);
        }

        await AssertOneIncidentPerDeviceAsync(devices, "S35", "S36", "S37");
    }

    [Fact]
    public async Task GivenABrokerFromBeforePartitioning_WhenIncidentServiceStarts_ThenTheOldQueueIsDrainedInOrderAndRemoved()
    {
        var device = Messages.NewDeviceId("S38");
        await System.Agent.EnsureRegisteredAsync(device);
        await System.StopIncidentServicesAsync();

        // The topology as it was: one quorum queue bound straight to the agents' exchange, no partitions.
        await using (var channel = await System.OpenChannelAsync())
        {
            await channel.ExchangeUnbindAsync(AgentTopology.Faults.HashExchange, WireNames.FaultExchange, "#");
            await channel.QueueDeclareAsync(WireNames.FaultQueue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
            await channel.QueueBindAsync(WireNames.FaultQueue, WireNames.FaultExchange, "#");
        }

        await SendEdgesAsync(device, from: 1, to: 4);
        await System.StartIncidentServiceAsync();

        await WaitForEdgesAsync([device], 4);
        await AssertEdgesInOrderAsync(device, 4);
        await Wait.UntilAsync(async () => !await QueueExistsAsync(WireNames.FaultQueue), TimeSpan.FromSeconds(30), "the old fault queue removed");

        // New traffic takes the partitions.
        await SendEdgesAsync(device, from: 5, to: 6);
        await WaitForEdgesAsync([device], 6);
        await AssertEdgesInOrderAsync(device, 6);
    }

    [Fact]
    public async Task GivenPartitionsBeyondTheConfiguredCount_WhenIncidentServiceStarts_ThenTheyAreDrainedFirstAndRemoved()
    {
        var devices = NewDevices(20, "S39");
        foreach (var device in devices)
        {
            await System.Agent.EnsureRegisteredAsync(device);
        }

        await System.StopIncidentServicesAsync();

        // As if the replicas had run with 6 partitions before being set to the default 4.
        var extra = new[] { AgentTopology.Faults.Partition(4), AgentTopology.Faults.Partition(5) };
        await using (var channel = await System.OpenChannelAsync())
        {
            foreach (var queue in extra)
            {
                await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum", ["x-single-active-consumer"] = true });
                await channel.QueueBindAsync(queue, AgentTopology.Faults.HashExchange, "1");
            }
        }

        await Task.WhenAll(devices.Select(d => SendEdgesAsync(d, from: 1, to: 4)));
        await using (var channel = await System.OpenChannelAsync())
        {
            var parked = 0u;
            foreach (var queue in extra)
            {
                parked += (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
            }

            Assert.True(parked > 0, "some devices hashed onto the extra partitions");
        }

        await System.StartIncidentServiceAsync();
        await WaitForEdgesAsync(devices, 4);
        foreach (var device in devices)
        {
            await AssertEdgesInOrderAsync(device, 4);
        }

        await Wait.UntilAsync(async () => !await QueueExistsAsync(extra[0]) && !await QueueExistsAsync(extra[1]), TimeSpan.FromSeconds(30), "the extra partitions removed");
        await Task.WhenAll(devices.Select(d => SendEdgesAsync(d, from: 5, to: 6)));
        await WaitForEdgesAsync(devices, 6);
        foreach (var device in devices)
        {
            await AssertEdgesInOrderAsync(device, 6);
        }
    }

    private static List<string> NewDevices(int count, params string[] stores) =>
        [.. Enumerable.Range(0, count).Select(i => Messages.NewDeviceId(stores[i % stores.Length])).Distinct()];

    /// <summary>Odd sequences are faults, even ones clears, each published after the previous one is confirmed.</summary>
    private async Task SendEdgesAsync(string device, int from, int to, TimeSpan pause = default)
    {
        for (var sequence = from; sequence <= to; sequence++)
        {
            await System.Agent.PublishAsync(sequence % 2 == 1 ? Messages.Fault(device, sequence) : Messages.Cleared(device, sequence), default);
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause);
            }
        }
    }

    private async Task<List<(string Type, long Sequence)>> EdgesAsync(string device)
    {
        var events = await System.EventsAsync(device);
        return [.. events
            .Where(e => e.GetProperty("type").GetString() is "fault_detected" or "fault_cleared")
            .Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("data").GetProperty("sequence").GetInt64()))];
    }

    private async Task WaitForEdgesAsync(IReadOnlyList<string> devices, int last) =>
        await Wait.UntilAsync(
            async () =>
            {
                foreach (var device in devices)
                {
                    if ((await EdgesAsync(device)).LastOrDefault().Sequence < last)
                    {
                        return false;
                    }
                }

                return true;
            },
            TimeSpan.FromSeconds(90),
            $"every device's edges up to sequence {last}");

    /// <summary>Every edge sent took effect, once, in the order sent: fault 1, clear 2, fault 3, ...</summary>
    private async Task AssertEdgesInOrderAsync(string device, int last)
    {
        var expected = Enumerable.Range(1, last).Select(s => (s % 2 == 1 ? "fault_detected" : "fault_cleared", (long)s));
        Assert.Equal(expected, await EdgesAsync(device));
    }

    private async Task AssertOneIncidentPerDeviceAsync(IReadOnlyList<string> devices, params string[] stores)
    {
        var incidents = new List<string>();
        foreach (var store in stores)
        {
            var page = await System.GetJsonAsync($"/api/incidents?storeId={store}&limit=1000");
            incidents.AddRange(page.EnumerateArray().Select(i => i.GetProperty("deviceId").GetString()!));
        }

        Assert.Equal(devices.Order(StringComparer.Ordinal), incidents.Order(StringComparer.Ordinal));
    }

    private async Task<bool> QueueExistsAsync(string queue)
    {
        await using var channel = await System.OpenChannelAsync();
        try
        {
            await channel.QueueDeclarePassiveAsync(queue);
            return true;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return false;
        }
    }
}
