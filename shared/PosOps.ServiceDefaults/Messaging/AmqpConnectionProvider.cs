using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace PosOps.ServiceDefaults.Messaging;

/// <summary>
/// One raw AMQP connection per process, for the paths where MassTransit's per-message cost decides
/// the result (agent ingestion, agent publishing). Opened lazily, recovered automatically.
/// </summary>
public sealed class AmqpConnectionProvider(IOptions<RabbitMqOptions> options, IHostEnvironment environment) : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private IConnection? connection;

    /// <summary>The open connection, opening it on first use.</summary>
    public async Task<IConnection> GetAsync(CancellationToken cancellationToken)
    {
        if (connection is { IsOpen: true })
        {
            return connection;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (connection is { IsOpen: true })
            {
                return connection;
            }

            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            connection = await CreateFactory(options.Value, environment.ApplicationName)
                .CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A connection factory for the configured broker.</summary>
    public static ConnectionFactory CreateFactory(RabbitMqOptions options, string clientName)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ConnectionFactory
        {
            Uri = options.ParsedUri,
            ClientProvidedName = clientName,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
            ConsumerDispatchConcurrency = 1,
        };
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        gate.Dispose();
    }
}
