using System.Net.Sockets;
using Npgsql;
using RabbitMQ.Client.Exceptions;

namespace PosOps.ServiceDefaults.Resilience;

/// <summary>A loop noticed its dependency went away without an exception of the client's own (e.g. a closed channel).</summary>
public sealed class DependencyUnavailableException(string dependency, string reason) : Exception($"{dependency}: {reason}")
{
    public string Dependency { get; } = dependency;
}

/// <summary>
/// Is an exception a dependency being away (wait it out) or a bug (stop loudly)? PostgreSQL and RabbitMQ
/// failures are recognised also when wrapped (Marten's MartenCommandException, aggregates).
/// </summary>
public static class DependencyFailure
{
    public const string Postgres = "PostgreSQL";
    public const string RabbitMq = "RabbitMQ";
    public const string Network = "network";

    /// <summary>The dependency that failed, or null when the exception is not a dependency failure.</summary>
    public static string? Of(Exception? e)
    {
        for (var depth = 0; e is not null && depth < 16; depth++)
        {
            switch (e)
            {
                case DependencyUnavailableException d:
                    return d.Dependency;
                // Data-dependent errors (classes 22, 23, 42 ...) are bugs or bad input; connection, shutdown,
                // resource and serialization failures (08, 53, 57P, 40) are the server being away or busy.
                case PostgresException pg:
                    return pg.IsTransient || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) ? Postgres : null;
                case NpgsqlException:
                    return Postgres;
                // A channel refused for what it asked (not found, access refused, precondition) or an unroutable
                // return is about the request, not the broker being away.
                case OperationInterruptedException closed:
                    return closed.ShutdownReason?.ReplyCode is 403 or 404 or 405 or 406 ? null : RabbitMq;
                case PublishException published:
                    return published.IsReturn ? null : RabbitMq;
                case BrokerUnreachableException or AlreadyClosedException or ConnectFailureException:
                    return RabbitMq;
                case SocketException or IOException or TimeoutException:
                    return Network;
                case AggregateException { InnerExceptions.Count: > 0 } many:
                    return many.InnerExceptions.Select(Of).FirstOrDefault(d => d is not null);
            }

            e = e.InnerException;
        }

        return null;
    }

    /// <summary>True when the exception means a dependency is away, so the work should wait and retry.</summary>
    public static bool IsTransient(Exception e) => Of(e) is not null;
}
