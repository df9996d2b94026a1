namespace PosOps.Contracts;

/// <summary>
/// Exchange, queue and message-type names on the wire. They are part of the public contract:
/// agents written in any language publish to these names, so they only ever grow.
/// </summary>
public static class WireNames
{
    /// <summary>Topic exchange for heartbeats; routing key = device id. Transient, cheap path.</summary>
    public const string HeartbeatExchange = "posops.agent.heartbeat";

    /// <summary>Topic exchange for fault and clear edges; routing key = device id. Persistent, confirmed.</summary>
    public const string FaultExchange = "posops.agent.fault";

    /// <summary>Topic exchange for offline-transaction uploads; routing key = device id. Persistent, confirmed.</summary>
    public const string TransactionsExchange = "posops.agent.transactions";

    /// <summary>Topic exchange for commands to agents; routing key = device id. Each agent binds its own queue.</summary>
    public const string CommandExchange = "posops.agent.commands";

    /// <summary>
    /// IncidentService's offline-transaction queues: quorum partitions <c>{this}.0</c> … <c>{this}.{N-1}</c>
    /// (see <see cref="FaultQueue"/>). Agents never publish to them.
    /// </summary>
    public const string TransactionsQueue = "posops.incidents.transactions";

    /// <summary>Header with the message's HMAC-SHA256 signature (base64) over device id, sequence and body.</summary>
    public const string SignatureHeader = "x-posops-signature";

    /// <summary>
    /// IncidentService's heartbeat queues: classic, length-limited partitions <c>{this}.0</c> … <c>{this}.{N-1}</c>
    /// (the next heartbeat corrects a lost one; see <see cref="FaultQueue"/>).
    /// </summary>
    public const string HeartbeatQueue = "posops.incidents.heartbeat";

    /// <summary>
    /// IncidentService's fault queues: quorum (faults survive a broker node loss) partitions <c>{this}.0</c> …
    /// <c>{this}.{N-1}</c> behind the x-consistent-hash exchange <c>{this}.partitions</c>, which is bound to the
    /// agents' exchange with "#" and hashes the routing key (device id), so one device always lands in one
    /// partition; each partition has a single active consumer across IncidentService replicas. Before
    /// partitioning this was a single queue of this name; IncidentService drains and removes it.
    /// </summary>
    public const string FaultQueue = "posops.incidents.fault";

    /// <summary>Where rejected agent messages go, with the reason in the <see cref="ReasonHeader"/> header.</summary>
    public const string AgentErrorQueue = "posops.incidents.agent-error";

    /// <summary>Header that names why a message was rejected.</summary>
    public const string ReasonHeader = "x-posops-reason";

    /// <summary>Header that names the queue family (<see cref="FaultQueue"/>, <see cref="HeartbeatQueue"/>, <see cref="TransactionsQueue"/>) a rejected message was consumed from.</summary>
    public const string SourceQueueHeader = "x-posops-source-queue";

    /// <summary>
    /// Header of every integration event IncidentService publishes: the stored event's global sequence.
    /// One incident's transitions carry increasing values (they also arrive in that order). Other producers may leave it out.
    /// </summary>
    public const string EventSequenceHeader = "x-posops-event-sequence";

    /// <summary>
    /// The one topic exchange of every integration event (see <c>IntegrationEvents</c>): routing key = incident
    /// id, message type in the AMQP <c>type</c> property, persistent, published after commit in commit order.
    /// </summary>
    public const string IncidentEventsExchange = "posops.incidents.events";

    /// <summary>
    /// NotificationService's incident-event queues: quorum partitions <c>{this}.0</c> … <c>{this}.{N-1}</c>
    /// behind the x-consistent-hash exchange <c>{this}.partitions</c> (bound to <see cref="IncidentEventsExchange"/>
    /// with "#"), one incident always in one partition, each partition with a single active consumer: one
    /// incident's transitions are taken in the order they were committed.
    /// </summary>
    public const string NotificationQueue = "posops.notifications.incident-events";

    /// <summary>Where NotificationService puts an incident event that can never become an alert, with the <see cref="ReasonHeader"/>.</summary>
    public const string NotificationErrorQueue = "posops.notifications.incident-events.error";

    /// <summary>
    /// Before one exchange, each integration event had an exchange <c>posops.incidents.{suffix}</c> and
    /// NotificationService a queue <c>posops.notifications.incident-events.{suffix}</c>; they are drained
    /// and removed at start-up. Suffix → event type name.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> RetiredIncidentEventSuffixes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["opened"] = "incident-opened",
        ["resolved"] = "incident-resolved",
        ["acknowledged"] = "incident-acknowledged",
        ["mitigated"] = "incident-mitigated",
        ["escalated"] = "incident-escalated",
        ["reopened"] = "incident-reopened",
        ["verified"] = "incident-verified",
        ["closed"] = "incident-closed",
        ["store-outage-detected"] = "store-outage-detected",
        ["store-outage-resolved"] = "store-outage-resolved",
        ["platform-outage-detected"] = "platform-outage-detected",
        ["platform-outage-resolved"] = "platform-outage-resolved",
    };
}

/// <summary>Values of the AMQP <c>type</c> property for agent messages.</summary>
public static class AgentMessageTypes
{
    /// <summary>A <see cref="Agent.Heartbeat"/>.</summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>A <see cref="Agent.FaultReported"/>.</summary>
    public const string FaultReported = "fault-reported";

    /// <summary>A <see cref="Agent.FaultCleared"/>.</summary>
    public const string FaultCleared = "fault-cleared";

    /// <summary>A <see cref="Agent.NetworkSwitched"/>.</summary>
    public const string NetworkSwitched = "network-switched";

    /// <summary>A <see cref="Agent.CommandResult"/>.</summary>
    public const string CommandResult = "command-result";

    /// <summary>An <see cref="Agent.OfflineTransactionsUploaded"/> batch.</summary>
    public const string OfflineTransactions = "offline-transactions";

    /// <summary>An <see cref="Commands.AgentCommand"/> (IncidentService to agent).</summary>
    public const string Command = "command";
}
