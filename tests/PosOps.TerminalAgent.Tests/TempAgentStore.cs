using Microsoft.Extensions.Options;
using PosOps.TerminalAgent.Outbox;

namespace PosOps.TerminalAgent.Tests;

/// <summary>A real agent SQLite file in a temp folder of its own; closes what it opened and deletes the folder.</summary>
public sealed class TempAgentStore : IAsyncDisposable
{
    private readonly List<AgentStore> opened = [];

    public TempAgentStore(int maxOutboxMessages = 50_000)
    {
        Folder = Path.Combine(Path.GetTempPath(), "posops-agent-tests", Guid.NewGuid().ToString("N"));
        Options = Microsoft.Extensions.Options.Options.Create(new AgentStoreOptions
        {
            Path = Path.Combine(Folder, "agent.db"),
            MaxOutboxMessages = maxOutboxMessages,
        });
    }

    public string Folder { get; }

    public IOptions<AgentStoreOptions> Options { get; }

    /// <summary>Opens the file, as the agent does when it starts.</summary>
    public AgentStore Open()
    {
        var store = new AgentStore(Options);
        opened.Add(store);
        return store;
    }

    /// <summary>Closes the file, as the agent does when it stops.</summary>
    public async Task CloseAsync(AgentStore store)
    {
        opened.Remove(store);
        await store.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in opened)
        {
            await store.DisposeAsync();
        }

        opened.Clear();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
