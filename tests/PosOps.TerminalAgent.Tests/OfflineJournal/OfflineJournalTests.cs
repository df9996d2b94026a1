using System.Text.Json;
using Microsoft.Extensions.Options;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.ServiceDefaults.Messaging;
using PosOps.TerminalAgent.OfflineJournal;
using PosOps.TerminalAgent.Outbox;
using PosOps.TerminalAgent.Trust;
using Journal = PosOps.TerminalAgent.OfflineJournal.OfflineJournal;

namespace PosOps.TerminalAgent.Tests.OfflineJournal;

public class OfflineJournalTests : IAsyncLifetime
{
    private const string FleetSecret = "fleet-secret-for-tests";
    private const string A = "S01-T001";
    private const string B = "S01-T002";
    private const string Store = "S01";
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.FromHours(8));

    private readonly TempAgentStore temp = new();
    private readonly FixedClock clock = new(Now);
    private readonly DerivedDeviceKeys keys = new(FleetSecret);
    private readonly OfflineJournalOptions settings = new()
    {
        MaxTransactions = 100,
        MaxAmount = new(StringComparer.Ordinal) { ["CNY"] = 1000m },
        DefaultMaxAmount = 100m,
        MaxAgeHours = 72,
        UploadBatchSize = 500,
    };

    private AgentStore? store;
    private AgentOutbox? outbox;
    private Journal? journal;

    public Task InitializeAsync()
    {
        Open();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => temp.DisposeAsync().AsTask();

    private AgentOutbox Outbox => outbox!;

    private Journal Journal => journal!;

    private void Open()
    {
        store = temp.Open();
        outbox = new AgentOutbox(store, keys, temp.Options, clock);
        journal = new Journal(store, outbox, Options.Create(settings), clock);
    }

    private static OfflineTransaction Sale(string id, decimal amount = 12.50m, string currency = "CNY", double minutesAgo = 10, string? reference = null) =>
        new(id, amount, currency, Now.AddMinutes(-minutesAgo), reference);

    private Task<JournalRefusal?> RecordAsync(string device, OfflineTransaction sale) => Journal.RecordAsync(device, sale, CancellationToken.None);

    private async Task<int> PendingAsync(string device) => (await Journal.PendingAsync(CancellationToken.None)).GetValueOrDefault(device);

    private async Task<List<OutboxRow>> UploadRowsAsync() =>
        [.. (await Outbox.PeekAsync(int.MaxValue, CancellationToken.None)).Where(r => r.Type == AgentMessageTypes.OfflineTransactions)];

    private static OfflineTransactionsUploaded Read(OutboxRow row) => JsonSerializer.Deserialize<OfflineTransactionsUploaded>(row.Body, WireJson.Options)!;

    [Fact]
    public async Task GivenAValidSale_WhenRecorded_ThenItIsAcceptedAndWaitsForUpload()
    {
        var refusal = await RecordAsync(A, Sale("tx-1"));

        Assert.Null(refusal);
        Assert.Equal(1, await PendingAsync(A));
        Assert.Equal(0, await PendingAsync(B));
        Assert.Equal(0L, await Outbox.CountAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(0, "CNY", 10, "amount must be positive, got 0")]
    [InlineData(-5, "CNY", 10, "amount must be positive, got -5")]
    [InlineData(10, "cny", 10, "currency must be an ISO 4217 code such as CNY, got 'cny'")]
    [InlineData(10, "CN", 10, "currency must be an ISO 4217 code such as CNY, got 'CN'")]
    [InlineData(10, "RMB1", 10, "currency must be an ISO 4217 code such as CNY, got 'RMB1'")]
    [InlineData(10, "", 10, "currency must be an ISO 4217 code such as CNY, got ''")]
    [InlineData(10, "CNY", 73 * 60, "is outside the offline window of 72 hours")]
    [InlineData(10, "CNY", -10, "is outside the offline window of 72 hours")]
    public async Task GivenABadSale_WhenRecorded_ThenItIsRefusedWithAClearReasonAndNotStored(double amount, string currency, double minutesAgo, string reason)
    {
        var refusal = await RecordAsync(A, Sale("tx-bad", (decimal)amount, currency, minutesAgo));

        Assert.NotNull(refusal);
        Assert.Contains(reason, refusal.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await PendingAsync(A));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("x12345678901234567890123456789012345678901234567890123456789012345")]
    public async Task GivenAMissingOrOverlongTransactionId_WhenRecorded_ThenItIsRefused(string id)
    {
        var refusal = await RecordAsync(A, Sale(id));

        Assert.Equal("transactionId is required (at most 64 characters)", refusal?.Reason);
    }

    [Fact]
    public async Task GivenASaleJustInsideTheWindow_WhenRecorded_ThenItIsAccepted()
    {
        Assert.Null(await RecordAsync(A, Sale("tx-old", minutesAgo: (72 * 60) - 1)));
        Assert.Null(await RecordAsync(A, Sale("tx-clock-skew", minutesAgo: -4)));
    }

    [Fact]
    public async Task GivenTheCountLimitIsReached_WhenAnotherSaleIsRecorded_ThenItIsRefusedButOtherTerminalsStillRecord()
    {
        settings.MaxTransactions = 3;
        for (var i = 1; i <= 3; i++)
        {
            Assert.Null(await RecordAsync(A, Sale($"tx-{i}")));
        }

        var refusal = await RecordAsync(A, Sale("tx-4"));

        Assert.Equal("the offline journal already holds 3 transactions (limit 3); take payment another way", refusal?.Reason);
        Assert.Equal(3, await PendingAsync(A));
        Assert.Null(await RecordAsync(B, Sale("tx-b1")));
    }

    [Fact]
    public async Task GivenTheAmountLimitOfACurrency_WhenASaleWouldPassIt_ThenItIsRefusedAndOtherCurrenciesHaveTheirOwnLimit()
    {
        Assert.Null(await RecordAsync(A, Sale("tx-1", 600m)));
        Assert.Null(await RecordAsync(A, Sale("tx-2", 400m)));

        var overCny = await RecordAsync(A, Sale("tx-3", 0.01m));
        var usd = await RecordAsync(A, Sale("tx-4", 100m, "USD"));
        var overUsd = await RecordAsync(A, Sale("tx-5", 0.5m, "USD"));
        var otherTerminal = await RecordAsync(B, Sale("tx-6", 1000m));

        Assert.Equal("offline total for CNY would reach 1000.01 (limit 1000)", overCny?.Reason);
        Assert.Null(usd);
        Assert.Equal("offline total for USD would reach 100.5 (limit 100)", overUsd?.Reason);
        Assert.Null(otherTerminal);
        Assert.Equal(3, await PendingAsync(A));
    }

    [Fact]
    public async Task GivenTheSameTransactionTwice_WhenRecorded_ThenBothAreAcceptedAndItIsStoredOnce()
    {
        Assert.Null(await RecordAsync(A, Sale("tx-1", 20m)));

        var again = await RecordAsync(A, Sale("tx-1", 20m));
        var changed = await RecordAsync(A, Sale("tx-1", 999m));
        await Journal.QueueUploadAsync(A, Store, CancellationToken.None);

        Assert.Null(again);
        Assert.Null(changed);
        var upload = Read(Assert.Single(await UploadRowsAsync()));
        Assert.Equal(Sale("tx-1", 20m), Assert.Single(upload.Transactions));
        Assert.Equal([new CurrencyTotal("CNY", 1, 20m)], upload.JournalTotals);
    }

    [Fact]
    public async Task GivenTwoTerminalsOfOneAgent_WhenBothRecordTheSameTransactionId_ThenEachKeepsItsOwnSale()
    {
        Assert.Null(await RecordAsync(A, Sale("0001", 20m)));

        var refusal = await RecordAsync(B, Sale("0001", 35m));

        Assert.Null(refusal);
        Assert.Equal(1, await PendingAsync(B));
    }

    [Fact]
    public async Task GivenAFullJournal_WhenTheAppRetriesASaleItAlreadyRecorded_ThenTheRetryIsStillAccepted()
    {
        settings.MaxTransactions = 1;
        Assert.Null(await RecordAsync(A, Sale("tx-1")));

        Assert.Null(await RecordAsync(A, Sale("tx-1")));
        Assert.NotNull(await RecordAsync(A, Sale("tx-2")));
    }

    [Fact]
    public async Task GivenMoreThanOneBatch_WhenQueuedForUpload_ThenEachCallQueuesOneMessageOfAtMostABatchWithTotalsOfEverythingQueuedSoFar()
    {
        settings.UploadBatchSize = 2;
        var sales = new[]
        {
            Sale("tx-1", 12.50m, reference: "R-1"),
            Sale("tx-2", 3.05m, "USD"),
            Sale("tx-3", 100m),
            Sale("tx-4", 7.25m, "USD", minutesAgo: 30),
            Sale("tx-5", 0.10m),
        };
        foreach (var sale in sales)
        {
            Assert.Null(await RecordAsync(A, sale));
        }

        Assert.Null(await RecordAsync(B, Sale("tx-b1", 1m)));
        // The server must hold, after each upload, everything queued so far: that is what it reconciles against.
        IReadOnlyList<CurrencyTotal> afterFirst = [new("CNY", 1, 12.50m), new("USD", 1, 3.05m)];
        IReadOnlyList<CurrencyTotal> afterSecond = [new("CNY", 2, 112.50m), new("USD", 2, 10.30m)];
        IReadOnlyList<CurrencyTotal> whole = [new("CNY", 3, 112.60m), new("USD", 2, 10.30m)];

        var first = await Journal.QueueUploadAsync(A, Store, CancellationToken.None);
        var rowsAfterFirst = await UploadRowsAsync();
        var pendingAfterFirst = await PendingAsync(A);
        var second = await Journal.QueueUploadAsync(A, Store, CancellationToken.None);
        var third = await Journal.QueueUploadAsync(A, Store, CancellationToken.None);
        var fourth = await Journal.QueueUploadAsync(A, Store, CancellationToken.None);

        Assert.Equal((2, 2, 1, 0), (first, second, third, fourth));
        var row = Assert.Single(rowsAfterFirst);
        Assert.Equal((A, WireNames.TransactionsExchange, true, 1L), (row.DeviceId, row.Exchange, row.Persistent, row.Sequence));
        Assert.True(AgentSignature.Verify(AgentSignature.DeriveDeviceKey(FleetSecret, A), A, row.Sequence, row.Body, row.Signature));
        var batch = Read(row);
        Assert.Equal((A, Store, 1L, Now), (batch.DeviceId, batch.StoreId, batch.Sequence, batch.OccurredAt));
        Assert.Equal(sales.Take(2), batch.Transactions);
        Assert.Equal(afterFirst, batch.JournalTotals);
        Assert.Equal(3, pendingAfterFirst);

        var uploads = (await UploadRowsAsync()).Select(Read).ToList();
        Assert.Equal([1L, 2L, 3L], uploads.Select(u => u.Sequence));
        Assert.Equal([2, 2, 1], uploads.Select(u => u.Transactions.Count));
        Assert.Equal(sales, uploads.SelectMany(u => u.Transactions));
        Assert.Equal([afterFirst, afterSecond, whole], uploads.Select(u => u.JournalTotals));
        Assert.Equal(0, await PendingAsync(A));
        Assert.Equal(1, await PendingAsync(B));
    }

    [Fact]
    public async Task GivenTheDeviceAlreadySentMessages_WhenItsJournalIsQueued_ThenTheUploadTakesTheNextSequenceOfThatDevice()
    {
        await Outbox.EnqueueAsync(
            [new Outgoing(A, seq => new FaultReported(Guid.CreateVersion7(Now), A, Store, seq, "network", "PAYMENT_HOST_UNREACHABLE", Now))],
            CancellationToken.None);
        Assert.Null(await RecordAsync(A, Sale("tx-1")));

        await Journal.QueueUploadAsync(A, Store, CancellationToken.None);

        Assert.Equal(2L, Assert.Single(await UploadRowsAsync()).Sequence);
    }

    [Fact]
    public async Task GivenNothingIsPending_WhenQueued_ThenNoMessageIsQueued()
    {
        var queued = await Journal.QueueUploadAsync(A, Store, CancellationToken.None);

        Assert.Equal(0, queued);
        Assert.Equal(0L, await Outbox.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GivenAnUploadWasQueued_WhenMoreSalesAreTaken_ThenTheLimitsCountOnlyWhatStillWaitsAndTotalsCountEverything()
    {
        settings.MaxTransactions = 2;
        Assert.Null(await RecordAsync(A, Sale("tx-1", 900m)));
        Assert.Null(await RecordAsync(A, Sale("tx-2", 100m)));
        await Journal.QueueUploadAsync(A, Store, CancellationToken.None);

        Assert.Null(await RecordAsync(A, Sale("tx-3", 500m)));
        await Journal.QueueUploadAsync(A, Store, CancellationToken.None);

        var uploads = (await UploadRowsAsync()).Select(Read).ToList();
        Assert.Equal([new CurrencyTotal("CNY", 3, 1500m)], uploads[^1].JournalTotals);
        Assert.Equal(Sale("tx-3", 500m), Assert.Single(uploads[^1].Transactions));
    }

    [Fact]
    public async Task GivenTheAgentRestarts_WhenItComesBack_ThenRecordedSalesAreStillWaiting()
    {
        Assert.Null(await RecordAsync(A, Sale("tx-1", reference: "R-1")));
        Assert.Null(await RecordAsync(A, Sale("tx-2")));
        await Journal.QueueUploadAsync(A, Store, CancellationToken.None);
        Assert.Null(await RecordAsync(A, Sale("tx-3")));
        await temp.CloseAsync(store!);

        Open();

        Assert.Equal(1, await PendingAsync(A));
        Assert.Single(await UploadRowsAsync());
        Assert.Null(await RecordAsync(A, Sale("tx-1")));
        Assert.Equal(1, await PendingAsync(A));
    }
}
