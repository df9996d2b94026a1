using System.Net.Sockets;
using Marten.Exceptions;
using Npgsql;
using PosOps.ServiceDefaults.Resilience;
using RabbitMQ.Client.Exceptions;

namespace PosOps.IncidentService.Tests.Resilience;

/// <summary>A dependency being away is waited out; anything else is a bug that stops the host.</summary>
public class DependencyFailureTests
{
    [Fact]
    public void GivenMartenWrappingALostConnection_ThenPostgresIsAway() =>
        // The drill's crash: the gauges caught NpgsqlException, Marten threw MartenCommandException around it.
        Assert.Equal(DependencyFailure.Postgres, DependencyFailure.Of(new MartenCommandException(new NpgsqlCommand("select 1"), new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException(111)))));

    [Theory]
    [InlineData("08006", true)] // connection failure
    [InlineData("57P01", true)] // admin shutdown (PostgreSQL stopping)
    [InlineData("53300", true)] // too many connections
    [InlineData("42P01", false)] // undefined table: a bug or a deployment problem
    [InlineData("23505", false)] // unique violation: data
    public void GivenAPostgresError_ThenOnlyServerTroubleIsADependencyFailure(string sqlState, bool transient) =>
        Assert.Equal(transient, DependencyFailure.IsTransient(new PostgresException("x", "ERROR", "ERROR", sqlState)));

    [Fact]
    public void GivenTheBrokerAway_ThenRabbitMqIsAway()
    {
        Assert.Equal(DependencyFailure.RabbitMq, DependencyFailure.Of(new BrokerUnreachableException(new IOException("refused"))));
        Assert.Equal(DependencyFailure.RabbitMq, DependencyFailure.Of(new AggregateException(new InvalidOperationException("x"), new DependencyUnavailableException(DependencyFailure.RabbitMq, "channel closed"))));
    }

    [Fact]
    public void GivenABug_ThenNotADependencyFailure()
    {
        Assert.Null(DependencyFailure.Of(new InvalidOperationException("sequence contains no elements")));
        Assert.Null(DependencyFailure.Of(new ArgumentException("routing key longer than 255 bytes")));
        Assert.Null(DependencyFailure.Of(new NullReferenceException()));
    }

    [Fact]
    public void BackoffDoublesUpToTheCap_WithJitter()
    {
        var options = new ResilienceOptions { BackoffBaseMilliseconds = 100, BackoffMaxSeconds = 2 };

        Assert.InRange(options.Backoff(0).TotalMilliseconds, 50, 100);
        Assert.InRange(options.Backoff(3).TotalMilliseconds, 400, 800);
        Assert.All(Enumerable.Range(5, 60), attempt => Assert.InRange(options.Backoff(attempt).TotalMilliseconds, 1000, 2000));
        Assert.Empty(options.Validate());
    }
}
