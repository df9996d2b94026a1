using System.Globalization;
using System.Text.Json;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.Contracts.Commands;
using PosOps.ServiceDefaults.Messaging;
using PosOps.TerminalAgent.Outbox;
using PosOps.TerminalAgent.Terminals;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PosOps.TerminalAgent.Remediation;

/// <summary>
/// Takes commands for this agent's terminals off its own queue (bound to each device id), runs each
/// once per command id, refuses expired ones, and answers through the outbox. The answer and the
/// "handled" mark commit together before the command is acknowledged.
/// </summary>
public sealed partial class CommandListener(
    TerminalFleet fleet,
    CommandExecutor executor,
    AgentStore store,
    AgentOutbox outbox,
    AmqpConnectionProvider connections,
    TimeProvider clock,
    DependencyGuard guard,
    ILogger<CommandListener> logger) : BackgroundService
{
    private const string Loop = "command listener";

    public string QueueName => $"posops.agent.{AgentId}.commands";

    private string AgentId => fleet.Terminals.Count == 1 ? fleet.Terminals[0].DeviceId : $"{Environment.MachineName.ToLowerInvariant()}-{fleet.Terminals[0].DeviceId}-x{fleet.Terminals.Count}";

    /// <summary>Binds the command queue before the agent reports started, so no command sent after that is unroutable.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (fleet.Terminals.Count > 0)
        {
            try
            {
                var connection = await connections.GetAsync(cancellationToken);
                await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                await DeclareAsync(channel, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogListenerRestart(e.Message);
            }
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (fleet.Terminals.Count == 0)
        {
            return;
        }

        try
        {
            // The broker going away is waited out (backoff, /health/ready); a bug stops the agent.
            await guard.RunAsync(Loop, ListenAsync, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var connection = await connections.GetAsync(stoppingToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        await DeclareAsync(channel, stoppingToken);

        await channel.BasicQosAsync(0, 20, false, stoppingToken);
        var closed = new TaskCompletionSource();
        channel.ChannelShutdownAsync += (_, _) =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            try
            {
                await HandleAsync(delivery.Body.ToArray(), stoppingToken);
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Nothing was committed (the answer and the "handled" mark commit together): try again later.
                LogListenerRestart(e.Message);
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, stoppingToken);
            }
        };
        await channel.BasicConsumeAsync(QueueName, autoAck: false, consumer, stoppingToken);
        LogListening(QueueName, fleet.Terminals.Count);
        guard.Recovered(Loop);
        await closed.Task.WaitAsync(stoppingToken);
        throw new DependencyUnavailableException(DependencyFailure.RabbitMq, $"the channel for {QueueName} closed");
    }

    private async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await AgentExchanges.DeclareAsync(channel, cancellationToken);
        await channel.QueueDeclareAsync(QueueName, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
        foreach (var terminal in fleet.Terminals)
        {
            await channel.QueueBindAsync(QueueName, WireNames.CommandExchange, terminal.DeviceId, cancellationToken: cancellationToken);
        }
    }

    /// <summary>Handles one command body; also the entry point for tests and the local interface.</summary>
    public async Task HandleAsync(byte[] body, CancellationToken cancellationToken)
    {
        AgentCommand? command;
        try
        {
            command = JsonSerializer.Deserialize<AgentCommand>(body, WireJson.Options);
        }
        catch (JsonException e)
        {
            LogMalformed(e.Message);
            return;
        }

        if (command is null || fleet.Find(command.DeviceId) is not { } terminal)
        {
            LogNotOurs(command?.DeviceId);
            return;
        }

        if (await AlreadyHandledAsync(command.CommandId, cancellationToken))
        {
            LogDuplicate(command.CommandId, command.DeviceId);
            return;
        }

        var now = clock.GetUtcNow();
        CommandOutcome outcome;
        long duration = 0;
        if (now > command.ExpiresAt)
        {
            outcome = new CommandOutcome(CommandStatus.Refused,
                $"expired {(now - command.ExpiresAt).TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s ago (at {command.ExpiresAt:O})", []);
        }
        else
        {
            (outcome, duration) = await executor.ExecuteAsync(terminal, command, cancellationToken);
        }

        var id = terminal.Identity;
        await store.WriteAsync((c, t) =>
        {
            using var mark = c.Command(t, "insert into handled_commands (command_id, device_id, handled_at) values ($id, $d, $at)",
                ("$id", command.CommandId.ToString()), ("$d", id.DeviceId), ("$at", now.ToString("O", CultureInfo.InvariantCulture)));
            mark.ExecuteNonQuery();
            outbox.Enqueue(c, t, [.. outcome.Caused, new Outgoing(id.DeviceId, seq => new CommandResult(Guid.CreateVersion7(now), id.DeviceId, id.StoreId, seq,
                command.CommandId, command.Kind, outcome.Status, outcome.Detail, duration, now))]);
            return 0;
        }, cancellationToken);
        outbox.Signal();
        LogHandled(command.Kind, id.DeviceId, outcome.Status, outcome.Detail);
    }

    private Task<bool> AlreadyHandledAsync(Guid commandId, CancellationToken cancellationToken) =>
        store.ReadAsync(c =>
        {
            using var command = c.Command(null, "select 1 from handled_commands where command_id = $id", ("$id", commandId.ToString()));
            return command.ExecuteScalar() is not null;
        }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for commands on {Queue} for {Count} terminal(s)")]
    private partial void LogListening(string queue, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command listener restarts after: {Reason}")]
    private partial void LogListenerRestart(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a malformed command: {Reason}")]
    private partial void LogMalformed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a command for device {DeviceId}, which this agent does not host")]
    private partial void LogNotOurs(string? deviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} for {DeviceId} was already handled; not run again")]
    private partial void LogDuplicate(Guid commandId, string deviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} on {DeviceId}: {Status} ({Detail})")]
    private partial void LogHandled(CommandKind kind, string deviceId, CommandStatus status, string detail);
}
