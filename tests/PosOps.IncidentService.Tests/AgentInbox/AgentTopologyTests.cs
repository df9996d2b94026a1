using PosOps.Contracts;
using PosOps.IncidentService.AgentInbox;

namespace PosOps.IncidentService.Tests.AgentInbox;

/// <summary>Partition names and queue arguments: stable, whatever the partition count.</summary>
public class AgentTopologyTests
{
    [Fact]
    public void GivenTheFaultFamily_WhenNamed_ThenPartitionsAndHashExchangeExtendTheWireName()
    {
        Assert.Equal("posops.incidents.fault.0", AgentTopology.Faults.Partition(0));
        Assert.Equal("posops.incidents.fault.partitions", AgentTopology.Faults.HashExchange);
        Assert.Equal(WireNames.FaultExchange, AgentTopology.Faults.Exchange);
    }

    [Fact]
    public void GivenEachHandlersQueue_WhenLookedUp_ThenItsFamilyIsFound()
    {
        Assert.Same(AgentTopology.Heartbeats, AgentTopology.FamilyOf(WireNames.HeartbeatQueue));
        Assert.Same(AgentTopology.Transactions, AgentTopology.FamilyOf(WireNames.TransactionsQueue));
        Assert.Throws<ArgumentOutOfRangeException>(() => AgentTopology.FamilyOf("posops.incidents.other"));
    }

    [Fact]
    public void GivenDifferentPartitionCounts_WhenArgumentsAreBuilt_ThenTheyAreTheSame_SoARedeclareNeverFails()
    {
        var four = AgentTopology.PartitionArguments(AgentTopology.Heartbeats, new AgentInboxOptions { Partitions = 4 });
        var eight = AgentTopology.PartitionArguments(AgentTopology.Heartbeats, new AgentInboxOptions { Partitions = 8 });

        Assert.Equal(four, eight);
        Assert.Equal(true, four["x-single-active-consumer"]);
        Assert.Equal("classic", four["x-queue-type"]);
        Assert.Equal("drop-head", four["x-overflow"]);
    }

    [Fact]
    public void GivenFaults_WhenArgumentsAreBuilt_ThenQuorumWithOneActiveConsumer()
    {
        var arguments = AgentTopology.PartitionArguments(AgentTopology.Faults, new AgentInboxOptions());

        Assert.Equal("quorum", arguments["x-queue-type"]);
        Assert.Equal(true, arguments["x-single-active-consumer"]);
        Assert.False(arguments.ContainsKey("x-max-length"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void GivenAPartitionCountOutOfRange_WhenValidated_ThenTheSettingIsNamed(int partitions) =>
        Assert.Contains(new AgentInboxOptions { Partitions = partitions }.Validate(), p => p.StartsWith("Partitions must be 1-64", StringComparison.Ordinal));
}
