using PosOps.NotificationService.Channels;
using PosOps.NotificationService.Delivery;

namespace PosOps.NotificationService.Tests.Delivery;

public sealed class DeliveryLogTextTests
{
    [Theory]
    [InlineData(DeliveryStatus.Pending, "pending")]
    [InlineData(DeliveryStatus.Sending, "sending")]
    [InlineData(DeliveryStatus.Delivered, "delivered")]
    [InlineData(DeliveryStatus.Dead, "dead")]
    [InlineData(DeliveryStatus.Held, "held")]
    [InlineData(DeliveryStatus.Storm, "storm")]
    [InlineData(DeliveryStatus.Digested, "digested")]
    public void GivenAStatus_ThenItIsStoredAsTheTextExistingDatabasesHold(DeliveryStatus status, string stored) =>
        Assert.Equal(stored, status.ToText());

    [Fact]
    public void GivenEveryStatus_ThenEachHasItsOwnText() =>
        Assert.Equal(Enum.GetValues<DeliveryStatus>().Length, Enum.GetValues<DeliveryStatus>().Select(s => s.ToText()).Distinct().Count());

    [Theory]
    [InlineData(DeliveryOutcome.Delivered, "delivered")]
    [InlineData(DeliveryOutcome.Transient, "transient")]
    [InlineData(DeliveryOutcome.Permanent, "permanent")]
    public void GivenAnOutcome_ThenItIsStoredAsTheTextExistingDatabasesHold(DeliveryOutcome outcome, string stored) =>
        Assert.Equal(stored, outcome.ToText());

    [Fact]
    public void GivenTheEmbeddedSchema_ThenItDefinesTheLogTablesInTheLogSchema()
    {
        foreach (var table in new[] { "deliveries", "attempts", "dead_letters" })
        {
            Assert.Contains($"create table if not exists {DeliveryLog.Schema}.{table} (", DeliverySchema.Script, StringComparison.Ordinal);
        }
    }
}
