using PosOps.Contracts;
using PosOps.Contracts.Agent;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>Handles a batch of valid agent messages from one queue and commits before returning.</summary>
public interface IAgentBatchHandler
{
    string Queue { get; }

    /// <summary>Message types this queue carries (see <see cref="AgentMessageTypes"/>).</summary>
    IReadOnlyList<string> AcceptedTypes { get; }

    /// <summary>Applies the messages in order and commits. Throws when nothing was committed.</summary>
    Task HandleAsync(IReadOnlyList<IAgentMessage> batch, CancellationToken cancellationToken);
}
