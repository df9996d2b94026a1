using System.Net.Sockets;
using Npgsql;
using PosOps.IncidentService.AgentInbox;

namespace PosOps.IncidentService.Tests.AgentInbox;

/// <summary>Only data-dependent failures may park a message; infrastructure trouble requeues the batch.</summary>
public class FailureClassificationTests
{
    [Theory]
    [InlineData("08006")] // connection failure
    [InlineData("42P01")] // table missing: a deployment problem, not the message's fault
    [InlineData("57P01")] // admin shutdown
    public void GivenInfrastructureErrors_ThenTheBatchIsRetried(string sqlState)
    {
        Assert.True(PoisonMessages.IsTransient(new PostgresException("x", "ERROR", "ERROR", sqlState)));
    }

    [Theory]
    [InlineData("22P02")] // invalid text representation
    [InlineData("23505")] // unique violation
    public void GivenDataErrors_ThenOnlyThatMessageIsParked(string sqlState)
    {
        Assert.False(PoisonMessages.IsTransient(new PostgresException("x", "ERROR", "ERROR", sqlState)));
    }

    [Fact]
    public void GivenAWrappedSocketError_ThenTransient() =>
        Assert.True(PoisonMessages.IsTransient(new InvalidOperationException("wrapped", new SocketException())));

    [Fact]
    public void GivenARefusedDecision_ThenNotTransient() =>
        Assert.False(PoisonMessages.IsTransient(new InvalidOperationException("Command for device 'a' sent to stream 'b'")));
}
