using System.Collections.Concurrent;
using System.Threading.Channels;

namespace PosOps.IncidentService.LiveFeed;

/// <summary>One message for live clients: the SSE event name, its JSON, and the store it concerns (for store-scoped users).</summary>
public sealed record LiveMessage(string Event, string Json, string? StoreId);

/// <summary>
/// Fans live messages out to every connected client. Each client has its own bounded buffer: a slow
/// client loses its oldest messages (and is told how many), it never slows the feed or other clients.
/// </summary>
public sealed class LiveFeedHub
{
    public const int ClientBuffer = 256;

    private readonly ConcurrentDictionary<Guid, Subscription> clients = new();

    public int Clients => clients.Count;

    public Subscription Subscribe(IReadOnlySet<string>? stores)
    {
        var subscription = new Subscription(this, stores);
        clients[subscription.Id] = subscription;
        return subscription;
    }

    public void Publish(LiveMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var client in clients.Values)
        {
            client.Offer(message);
        }
    }

    /// <summary>One connected client's buffer; dispose to disconnect.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly LiveFeedHub hub;
        private readonly IReadOnlySet<string>? stores;
        private readonly Channel<LiveMessage> buffer;
        private long dropped;

        internal Subscription(LiveFeedHub hub, IReadOnlySet<string>? stores)
        {
            this.hub = hub;
            this.stores = stores;
            buffer = Channel.CreateBounded<LiveMessage>(
                new BoundedChannelOptions(ClientBuffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => Interlocked.Increment(ref dropped));
        }

        public Guid Id { get; } = Guid.NewGuid();

        public ChannelReader<LiveMessage> Reader => buffer.Reader;

        /// <summary>Messages lost to a full buffer since the last call.</summary>
        public long TakeDropped() => Interlocked.Exchange(ref dropped, 0);

        internal void Offer(LiveMessage message)
        {
            if (stores is null || (message.StoreId is { } store && stores.Contains(store)))
            {
                buffer.Writer.TryWrite(message);
            }
        }

        public void Dispose()
        {
            hub.clients.TryRemove(Id, out _);
            buffer.Writer.TryComplete();
        }
    }
}
