using System.Text.Json;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.ServiceDefaults.Messaging;
using PosOps.TerminalAgent.Outbox;
using PosOps.TerminalAgent.Trust;

namespace PosOps.TerminalAgent.Tests.Outbox;

public class AgentOutboxTests : IAsyncLifetime
{
    private const string FleetSecret = "fleet-secret-for-tests";
    private const string A = "S01-T001";
    private const string B = "S01-T002";
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly DerivedDeviceKeys keys = new(FleetSecret);
    private TempAgentStore temp = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => temp.DisposeAsync().AsTask();

    private async Task<AgentOutbox> OpenAsync(int? maxOutboxMessages = null)
    {
        if (maxOutboxMessages is { } max)
        {
            await temp.DisposeAsync();
            temp = new TempAgentStore(max);
        }

        return On(temp.Open());
    }

    private AgentOutbox On(AgentStore store) => new(store, keys, temp.Options, TimeProvider.System);

    private static Outgoing Fault(string device, string component = "printer", string code = "PAPER_OUT") =>
        new(device, seq => new FaultReported(Guid.CreateVersion7(Now), device, "S01", seq, component, code, Now));

    private static Outgoing Cleared(string device, string component = "printer", string code = "PAPER_OUT") =>
        new(device, seq => new FaultCleared(Guid.CreateVersion7(Now), device, "S01", seq, component, code, Now));

    private static Outgoing Switched(string device) =>
        new(device, seq => new NetworkSwitched(Guid.CreateVersion7(Now), device, "S01", seq, "wifi", "cellular", "failover", Now));

    private static Outgoing Beat(string device) =>
        new(device, seq => new Heartbeat(Guid.CreateVersion7(Now), device, "S01", seq,
            [new ComponentHealth("printer", ComponentStatus.Ok), new ComponentHealth("network", ComponentStatus.Degraded, "WIFI_WEAK")],
            new NetworkState("wifi", 12), "4.2.0", "android-12", 2, Now));

    private static async Task<List<OutboxRow>> AllAsync(AgentOutbox outbox) => [.. await outbox.PeekAsync(int.MaxValue, CancellationToken.None)];

    [Fact]
    public async Task GivenTwoDevices_WhenMessagesAreEnqueued_ThenEachDeviceCountsItsOwnSequenceFromOne()
    {
        var outbox = await OpenAsync();

        var first = await outbox.EnqueueAsync([Fault(A), Beat(B), Beat(A)], CancellationToken.None);
        var second = await outbox.EnqueueAsync([Beat(B), Cleared(A)], CancellationToken.None);

        Assert.Equal([(A, 1L), (B, 1L), (A, 2L), (B, 2L), (A, 3L)], first.Concat(second).Select(m => (m.DeviceId, m.Sequence)));
        Assert.Equal([(A, 1L), (B, 1L), (A, 2L), (B, 2L), (A, 3L)], (await AllAsync(outbox)).Select(r => (r.DeviceId, r.Sequence)));
    }

    [Fact]
    public async Task GivenTheAgentRestarts_WhenItEnqueuesAgain_ThenSequencesContinueAndUnsentRowsAreStillThere()
    {
        var store = temp.Open();
        var before = On(store);
        await before.EnqueueAsync([Fault(A), Beat(A), Beat(B)], CancellationToken.None);
        var sent = await AllAsync(before);
        await before.RemoveAsync([sent[0].Id, sent[1].Id], CancellationToken.None);
        await temp.CloseAsync(store);

        var after = On(temp.Open());
        var survivors = await AllAsync(after);
        var next = await after.EnqueueAsync([Beat(A), Beat(B)], CancellationToken.None);

        Assert.Equal([(B, 1L)], survivors.Select(r => (r.DeviceId, r.Sequence)));
        Assert.Equal([(A, 3L), (B, 2L)], next.Select(m => (m.DeviceId, m.Sequence)));
    }

    [Fact]
    public async Task GivenEveryRowWasSentBeforeARestart_WhenTheAgentEnqueuesAgain_ThenTheSequenceStillContinues()
    {
        var store = temp.Open();
        var before = On(store);
        await before.EnqueueAsync([Fault(A), Fault(A)], CancellationToken.None);
        await before.RemoveAsync([.. (await AllAsync(before)).Select(r => r.Id)], CancellationToken.None);
        await temp.CloseAsync(store);

        var after = On(temp.Open());
        var leftOver = await after.CountAsync(CancellationToken.None);
        var next = await after.EnqueueAsync([Fault(A)], CancellationToken.None);

        Assert.Equal(0L, leftOver);
        Assert.Equal(3L, Assert.Single(next).Sequence);
    }

    [Fact]
    public async Task GivenAFactoryThatIgnoresItsSequence_WhenEnqueued_ThenNothingIsStoredAndNoSequenceIsUsedUp()
    {
        var outbox = await OpenAsync();
        var wrong = new Outgoing(A, _ => new FaultReported(Guid.CreateVersion7(Now), A, "S01", 42, "printer", "PAPER_OUT", Now));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => outbox.EnqueueAsync([Fault(A), wrong], CancellationToken.None));
        var next = await outbox.EnqueueAsync([Fault(A)], CancellationToken.None);

        Assert.Equal("FaultReported must carry device S01-T001 and sequence 2", error.Message);
        Assert.Equal(1L, Assert.Single(next).Sequence);
        Assert.Single(await AllAsync(outbox));
    }

    [Fact]
    public async Task GivenAFactoryForAnotherDevice_WhenEnqueued_ThenItIsRefused()
    {
        var outbox = await OpenAsync();
        var wrong = new Outgoing(A, seq => new FaultReported(Guid.CreateVersion7(Now), B, "S01", seq, "printer", "PAPER_OUT", Now));

        await Assert.ThrowsAsync<InvalidOperationException>(() => outbox.EnqueueAsync([wrong], CancellationToken.None));

        Assert.Equal(0L, await outbox.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GivenSeveralRows_WhenPeeked_ThenTheyComeInInsertionOrderUpToMax()
    {
        var outbox = await OpenAsync();
        var enqueued = new List<IAgentMessage>();
        enqueued.AddRange(await outbox.EnqueueAsync([Fault(A), Beat(B)], CancellationToken.None));
        enqueued.AddRange(await outbox.EnqueueAsync([Switched(A)], CancellationToken.None));
        enqueued.AddRange(await outbox.EnqueueAsync([Cleared(B), Beat(A)], CancellationToken.None));

        var firstThree = await outbox.PeekAsync(3, CancellationToken.None);
        var all = await AllAsync(outbox);

        Assert.Equal(enqueued.Take(3).Select(m => m.MessageId.ToString()), firstThree.Select(r => r.MessageId));
        Assert.Equal(enqueued.Select(m => m.MessageId.ToString()), all.Select(r => r.MessageId));
        Assert.Equal(all.Select(r => r.Id).Order(), all.Select(r => r.Id));
    }

    [Fact]
    public async Task GivenConfirmedIds_WhenRemoved_ThenOnlyThoseRowsAreDeleted()
    {
        var outbox = await OpenAsync();
        await outbox.EnqueueAsync([Fault(A), Beat(A), Fault(B), Beat(B), Cleared(A)], CancellationToken.None);
        var rows = await AllAsync(outbox);

        await outbox.RemoveAsync([rows[1].Id, rows[3].Id, 9_999], CancellationToken.None);
        await outbox.RemoveAsync([], CancellationToken.None);

        Assert.Equal([rows[0].Id, rows[2].Id, rows[4].Id], (await AllAsync(outbox)).Select(r => r.Id));
        Assert.Equal(3L, await outbox.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GivenStoredRows_WhenTheirSignaturesAreChecked_ThenEachVerifiesWithItsOwnDeviceKeyOnly()
    {
        var outbox = await OpenAsync();
        await outbox.EnqueueAsync([Fault(A), Beat(A), Fault(B), Switched(B), Cleared(A)], CancellationToken.None);

        var rows = await AllAsync(outbox);

        Assert.All(rows, row =>
        {
            // The registry derives the same key from the fleet secret; that is what the server verifies with.
            var key = AgentSignature.DeriveDeviceKey(FleetSecret, row.DeviceId);
            var other = AgentSignature.DeriveDeviceKey(FleetSecret, row.DeviceId == A ? B : A);
            var tampered = row.Body.ToArray();
            tampered[^2] ^= 0x01;

            Assert.True(AgentSignature.Verify(key, row.DeviceId, row.Sequence, row.Body, row.Signature));
            Assert.False(AgentSignature.Verify(other, row.DeviceId, row.Sequence, row.Body, row.Signature));
            Assert.False(AgentSignature.Verify(key, row.DeviceId, row.Sequence + 1, row.Body, row.Signature));
            Assert.False(AgentSignature.Verify(key, row.DeviceId, row.Sequence, tampered, row.Signature));
        });
    }

    [Fact]
    public async Task GivenAMessage_WhenStored_ThenTheBodyIsItsWireJsonAndTypeExchangeAndPersistenceMatchTheContract()
    {
        var outbox = await OpenAsync();
        var messages = await outbox.EnqueueAsync([Beat(A), Fault(A), Cleared(A), Switched(A)], CancellationToken.None);

        var rows = await AllAsync(outbox);

        Assert.Equal(
            [
                (AgentMessageTypes.Heartbeat, WireNames.HeartbeatExchange, false),
                (AgentMessageTypes.FaultReported, WireNames.FaultExchange, true),
                (AgentMessageTypes.FaultCleared, WireNames.FaultExchange, true),
                (AgentMessageTypes.NetworkSwitched, WireNames.FaultExchange, true),
            ],
            rows.Select(r => (r.Type, r.Exchange, r.Persistent)));
        foreach (var (row, message) in rows.Zip(messages))
        {
            Assert.Equal(AgentExchanges.TypeOf(message), row.Type);
            Assert.Equal(AgentExchanges.For(row.Type), row.Exchange);
            Assert.Equal(message.MessageId.ToString(), row.MessageId);
            Assert.Equal(message.Sequence, row.Sequence);

            using var json = JsonDocument.Parse(row.Body);
            Assert.Equal(A, json.RootElement.GetProperty("deviceId").GetString());
            Assert.Equal(row.Sequence, json.RootElement.GetProperty("sequence").GetInt64());
        }

        Assert.Equal(messages[1], JsonSerializer.Deserialize<FaultReported>(rows[1].Body, WireJson.Options));
        Assert.Equal(messages[2], JsonSerializer.Deserialize<FaultCleared>(rows[2].Body, WireJson.Options));
        Assert.Equal(messages[3], JsonSerializer.Deserialize<NetworkSwitched>(rows[3].Body, WireJson.Options));
        var heartbeat = JsonSerializer.Deserialize<Heartbeat>(rows[0].Body, WireJson.Options)!;
        var sent = (Heartbeat)messages[0];
        Assert.Equal(sent.Components, heartbeat.Components);
        Assert.Equal(sent with { Components = heartbeat.Components }, heartbeat);
        using var heartbeatJson = JsonDocument.Parse(rows[0].Body);
        Assert.Equal("degraded", heartbeatJson.RootElement.GetProperty("components")[1].GetProperty("status").GetString());
    }

    [Fact]
    public async Task GivenAFullOutbox_WhenMoreIsEnqueued_ThenTheOldestHeartbeatsGoFirstAndFaultsAreNeverDropped()
    {
        var outbox = await OpenAsync(maxOutboxMessages: 4);
        await outbox.EnqueueAsync([Beat(A), Beat(B), Fault(A), Beat(A)], CancellationToken.None);
        var full = await AllAsync(outbox);

        await outbox.EnqueueAsync([Fault(B)], CancellationToken.None);
        var afterOne = await AllAsync(outbox);
        await outbox.EnqueueAsync([Cleared(A), Switched(B)], CancellationToken.None);
        var afterThree = await AllAsync(outbox);
        await outbox.EnqueueAsync([Fault(A, "display", "DISPLAY_UNRESPONSIVE")], CancellationToken.None);
        var overBound = await AllAsync(outbox);

        Assert.Equal(full.Skip(1).Select(r => r.Id), afterOne.Take(3).Select(r => r.Id));
        Assert.Equal(4, afterOne.Count);
        Assert.Equal(
            [AgentMessageTypes.FaultReported, AgentMessageTypes.FaultReported, AgentMessageTypes.FaultCleared, AgentMessageTypes.NetworkSwitched],
            afterThree.Select(r => r.Type));

        // No heartbeat is left to give up: the bound is soft for faults.
        Assert.Equal(5, overBound.Count);
        Assert.DoesNotContain(overBound, r => r.Type == AgentMessageTypes.Heartbeat);
        Assert.Equal([(A, 2L), (B, 2L), (A, 4L), (B, 3L), (A, 5L)], overBound.Select(r => (r.DeviceId, r.Sequence)));
    }

    [Fact]
    public async Task GivenAFullOutboxOfFaults_WhenAHeartbeatArrives_ThenNothingIsDroppedEither()
    {
        var outbox = await OpenAsync(maxOutboxMessages: 2);
        await outbox.EnqueueAsync([Fault(A), Fault(B)], CancellationToken.None);

        await outbox.EnqueueAsync([Beat(A)], CancellationToken.None);

        Assert.Equal(
            [AgentMessageTypes.FaultReported, AgentMessageTypes.FaultReported, AgentMessageTypes.Heartbeat],
            (await AllAsync(outbox)).Select(r => r.Type));
    }

    [Fact]
    public async Task GivenAnEnqueue_WhenThePublisherWaitsForWork_ThenItWakesAtOnceAndThenWaitsAgain()
    {
        var outbox = await OpenAsync();

        await outbox.EnqueueAsync([Beat(A)], CancellationToken.None);
        await outbox.EnqueueAsync([Beat(A)], CancellationToken.None);

        Assert.True(await outbox.WaitForWorkAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.False(await outbox.WaitForWorkAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }
}
