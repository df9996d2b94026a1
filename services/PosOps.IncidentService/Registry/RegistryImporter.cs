using System.Security.Cryptography;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.Options;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.ServiceDefaults.Files;

namespace PosOps.IncidentService.Registry;

/// <summary>
/// Imports the registry file at start (before agent traffic is trusted) and again as soon as it
/// changes: a device added to the file is trusted within a second, whether the file was edited in
/// place or replaced.
/// </summary>
public sealed partial class RegistryImporter(
    IDocumentStore store, RegistryChanges changes, DependencyGuard guard, IOptions<RegistryOptions> options, TimeProvider clock, ILogger<RegistryImporter> logger) : BackgroundService
{
    private string? lastHash;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ImportIfChangedAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.ImportFile is not { Length: > 0 } file)
        {
            return;
        }

        using var watched = new WatchedFile(file);
        if (watched.EventsUnavailable is { } why)
        {
            LogNoEvents(file, why);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await watched.WaitAsync(TimeSpan.FromSeconds(options.Value.CheckSeconds), stoppingToken);
            try
            {
                // A database outage is waited out (the file is read again when it is back).
                await guard.RunAsync("registry-import", ImportIfChangedAsync, stoppingToken);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                // A half-written file is read again on its next change event; the last import stays in force.
                LogImportFailed(file, e.Message);
            }
        }
    }

    private async Task ImportIfChangedAsync(CancellationToken cancellationToken)
    {
        var file = options.Value.ImportFile;
        if (string.IsNullOrEmpty(file) || !File.Exists(file))
        {
            return;
        }

        var json = await File.ReadAllTextAsync(file, cancellationToken);
        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)));
        if (hash == lastHash)
        {
            return;
        }

        var registry = Parse(json, file);
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        session.Store([.. registry.Devices.Select(e => new DeviceRegistration(e.DeviceId, e.StoreId, e.Model, e.Serial, e.Location, e.Key, now))]);
        if (registry.Stores is { Count: > 0 } stores)
        {
            session.Store([.. stores.Select(s => new StoreRegistration(s.StoreId, s.Name, s.Region, s.Isp, s.LineId, s.Tags ?? [], s.BackupDeviceIds ?? []))]);
        }

        await session.SaveChangesAsync(cancellationToken);
        lastHash = hash;
        changes.Changed();
        LogImported(registry.Devices.Count, registry.Stores?.Count ?? 0, file);
    }

    /// <summary>Either a list of devices (older files) or an object with devices and stores.</summary>
    public static FleetRegistry Parse(string json, string file)
    {
        FleetRegistry? registry;
        try
        {
            var trimmed = json.AsSpan().TrimStart();
            registry = trimmed.Length > 0 && trimmed[0] == '['
                ? new FleetRegistry(JsonSerializer.Deserialize<List<DeviceRegistryEntry>>(json, WireJson.Options) ?? [])
                : JsonSerializer.Deserialize<FleetRegistry>(json, WireJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{file} is not a registry file: {e.Message}", e);
        }

        return registry?.Devices is null ? throw new InvalidOperationException($"{file} holds no registry entries") : registry;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported {Devices} device and {Stores} store registrations from {File}")]
    private partial void LogImported(int devices, int stores, string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not import the device registry from {File}: {Reason}")]
    private partial void LogImportFailed(string? file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No change events for {File} ({Error}); checking it every Registry:CheckSeconds only")]
    private partial void LogNoEvents(string file, string error);
}
