namespace PosOps.ServiceDefaults.Files;

/// <summary>
/// Waits for a file to change: the file system's change events (an in-place write, or a new file
/// renamed over it) end the wait at once; a periodic check catches what they miss (network file
/// systems, a ConfigMap's symlink swap, the inotify limit reached).
/// </summary>
public sealed class WatchedFile : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(50);
    private readonly WakeSignal changed = new();
    private readonly FileSystemWatcher? events;

    public WatchedFile(string file)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        var path = Path.GetFullPath(file);
        var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => changed.Wake();
        watcher.Created += (_, _) => changed.Wake();
        watcher.Renamed += (_, _) => changed.Wake();
        try
        {
            watcher.EnableRaisingEvents = true;
            events = watcher;
        }
        catch (IOException e)
        {
            watcher.Dispose();
            EventsUnavailable = e.Message;
        }
    }

    /// <summary>Why no change events arrive (only the periodic check works), or null.</summary>
    public string? EventsUnavailable { get; }

    /// <summary>Returns after a change event (and a moment for the writer to finish) or after the fallback period.</summary>
    public async Task WaitAsync(TimeSpan fallback, CancellationToken cancellationToken)
    {
        if (await changed.WaitAsync(fallback, cancellationToken))
        {
            // A half-written file would only be refused and read again on the next event.
            await Task.Delay(Settle, cancellationToken);
        }
    }

    public void Dispose()
    {
        events?.Dispose();
        changed.Dispose();
    }
}
