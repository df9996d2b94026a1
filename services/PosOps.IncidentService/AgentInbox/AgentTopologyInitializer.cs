using Microsoft.Extensions.Options;
using PosOps.ServiceDefaults.Messaging;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>
/// Declares the agent queues before the service reports started, so nothing an agent publishes after
/// that point can go unrouted. If the broker is away at start-up the consumers declare it later; a
/// broker without the consistent-hash plugin stops the start with the fix in the message.
/// </summary>
public sealed partial class AgentTopologyInitializer(
    AmqpConnectionProvider connections, IOptions<AgentInboxOptions> options, ILogger<AgentTopologyInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await connections.GetAsync(cancellationToken);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            await AgentTopology.DeclareAsync(channel, options.Value, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not HashPluginMissingException)
        {
            LogDeferred(e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker not reachable at start-up ({Reason}); the consumers will declare the agent queues when it is")]
    private partial void LogDeferred(string reason);
}
