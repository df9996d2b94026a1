using PosOps.Contracts;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>
/// One kind of agent traffic as IncidentService takes it: the agents' topic exchange, a consistent-hash
/// exchange bound to it with "#", and <c>Partitions</c> queues bound to that with equal weight. The
/// hash is over the routing key (the device id), so one device's messages always land in the same
/// partition; each partition has a single active consumer across all replicas, so they are handled
/// in the order the device sent them, and the broker hands a partition to a surviving replica when
/// its consumer goes away.
/// </summary>
/// <param name="Queue">The family name (the <see cref="WireNames"/> queue); partition n is <c>{Queue}.{n}</c>.
/// Before partitioning it was the single queue of this name (see <see cref="AgentQueueConsumer"/> for how it is retired).</param>
public sealed record AgentQueueFamily(string Queue, string Exchange, bool Quorum)
{
    /// <summary>The x-consistent-hash exchange between the agents' topic exchange and the partitions.</summary>
    public string HashExchange => Queue + ".partitions";

    public string Partition(int n) => $"{Queue}.{n}";
}

/// <summary>
/// Declares the agent-facing exchanges and IncidentService's partitioned queues. Idempotent: every
/// replica declares the same thing at start-up and whenever a consumer (re)connects.
/// </summary>
public static class AgentTopology
{
    public const int MaxPartitions = 64;

    /// <summary>The broker plugin that provides the x-consistent-hash exchange type (it ships with RabbitMQ).</summary>
    public const string HashPlugin = "rabbitmq_consistent_hash_exchange";

    private const string ConsistentHash = "x-consistent-hash";

    public static readonly AgentQueueFamily Faults = new(WireNames.FaultQueue, WireNames.FaultExchange, Quorum: true);

    public static readonly AgentQueueFamily Heartbeats = new(WireNames.HeartbeatQueue, WireNames.HeartbeatExchange, Quorum: false);

    public static readonly AgentQueueFamily Transactions = new(WireNames.TransactionsQueue, WireNames.TransactionsExchange, Quorum: true);

    public static IReadOnlyList<AgentQueueFamily> Families { get; } = [Faults, Heartbeats, Transactions];

    public static AgentQueueFamily FamilyOf(string queue) =>
        Families.FirstOrDefault(f => f.Queue == queue) ?? throw new ArgumentOutOfRangeException(nameof(queue), queue, "not an agent queue");

    public static async Task DeclareAsync(IChannel channel, AgentInboxOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var quorum = new Dictionary<string, object?> { ["x-queue-type"] = "quorum" };
        await channel.QueueDeclareAsync(WireNames.AgentErrorQueue, durable: true, exclusive: false, autoDelete: false, arguments: quorum, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var family in Families)
        {
            await DeclareAsync(channel, family, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Declares one family: exchanges, the exchange-to-exchange binding and every partition queue with its binding.</summary>
    public static async Task DeclareAsync(IChannel channel, AgentQueueFamily family, AgentInboxOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(options);
        await AgentExchanges.DeclareAsync(channel, cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.ExchangeDeclareAsync(family.HashExchange, ConsistentHash, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason is { ReplyCode: 503 } reason && reason.ReplyText.Contains("exchange type", StringComparison.Ordinal))
        {
            throw new HashPluginMissingException(e);
        }

        await channel.ExchangeBindAsync(family.HashExchange, family.Exchange, "#", cancellationToken: cancellationToken).ConfigureAwait(false);
        for (var n = 0; n < options.Partitions; n++)
        {
            await channel.QueueDeclareAsync(family.Partition(n), durable: true, exclusive: false, autoDelete: false, arguments: PartitionArguments(family, options), cancellationToken: cancellationToken).ConfigureAwait(false);

            // Equal weight: the plugin's jump consistent hash spreads devices evenly over the partitions.
            // Always the same binding key, since two bindings of one queue with different weights confuse the plugin's ring.
            await channel.QueueBindAsync(family.Partition(n), family.HashExchange, "1", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A channel for consuming one family: its topology declared (idempotent, so a broker that lost it gets it
    /// back on reconnect) and the prefetch set to one batch.
    /// </summary>
    public static async Task<IChannel> OpenConsumerChannelAsync(AmqpConnectionProvider connections, AgentQueueFamily family, AgentInboxOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(options);
        var connection = await connections.GetAsync(cancellationToken).ConfigureAwait(false);
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken).ConfigureAwait(false);
        try
        {
            await DeclareAsync(channel, family, options, cancellationToken).ConfigureAwait(false);
            await channel.BasicQosAsync(0, (ushort)Math.Min(options.BatchSize, ushort.MaxValue), global: false, cancellationToken).ConfigureAwait(false);
            return channel;
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Queue arguments of a partition. They never depend on the partition count, so changing it never makes a redeclare fail.</summary>
    public static Dictionary<string, object?> PartitionArguments(AgentQueueFamily family, AgentInboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(options);
        var arguments = new Dictionary<string, object?> { ["x-single-active-consumer"] = true };
        if (family.Quorum)
        {
            arguments["x-queue-type"] = "quorum";
        }
        else
        {
            // Heartbeats take the cheap path: a classic queue with a cap that drops the oldest.
            arguments["x-queue-type"] = "classic";
            arguments["x-max-length"] = options.HeartbeatQueueMaxLength;
            arguments["x-overflow"] = "drop-head";
        }

        return arguments;
    }
}

/// <summary>The broker does not know the x-consistent-hash exchange type: its plugin is off.</summary>
public sealed class HashPluginMissingException(Exception inner) : InvalidOperationException(
    $"RabbitMQ refused the x-consistent-hash exchange: enable the {AgentTopology.HashPlugin} plugin on the broker " +
    $"(`rabbitmq-plugins enable {AgentTopology.HashPlugin}`, online, no restart; locally `deploy/local/servers.sh plugins`).", inner);
