using Npgsql;

namespace PosOps.NotificationService.Delivery;

/// <summary>
/// Applies the embedded DeliveryLog.sql, the one definition of the log's tables and indexes. Plain SQL
/// rather than Weasel migrations: this service does not use Marten, the log's partial indexes and claim
/// query are hand-tuned PostgreSQL that reads best as SQL, and an idempotent script needs neither a
/// migration history table nor a schema diff at start-up.
/// </summary>
public static class DeliverySchema
{
    public const string Resource = "PosOps.NotificationService.Delivery.DeliveryLog.sql";

    public static string Script { get; } = Load();

    public static async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Script, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static string Load()
    {
        using var stream = typeof(DeliverySchema).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"embedded resource {Resource} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>Applies the delivery log's schema before the worker and the bus start.</summary>
public sealed class DeliverySchemaMigration(NpgsqlDataSource dataSource) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => DeliverySchema.ApplyAsync(dataSource, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
