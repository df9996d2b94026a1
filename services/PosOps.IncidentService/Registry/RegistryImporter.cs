using System.Text.Json;
using Marten;
using Microsoft.Extensions.Options;
using PosOps.Contracts;
using PosOps.Contracts.Agent;

namespace PosOps.IncidentService.Registry;

/// <summary>Imports the registry file at start (before agent traffic is trusted) and again whenever it changes.</summary>
public sealed partial class RegistryImporter(IDocumentStore store, IOptions<RegistryOptions> options, TimeProvider clock, ILogger<RegistryImporter> logger) : BackgroundService
{
    private DateTime lastWrite;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ImportIfChangedAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ImportIfChangedAsync(stoppingToken);
            }
            catch (Exception e) when (e is JsonException or IOException or InvalidOperationException)
            {
                LogImportFailed(options.Value.ImportFile, e.Message);
            }
        }
    }

    private async Task ImportIfChangedAsync(CancellationToken cancellationToken)
    {
        var file = options.Value.ImportFile;
        if (string.IsNullOrEmpty(file) || !File.Exists(file) || File.GetLastWriteTimeUtc(file) == lastWrite)
        {
            return;
        }

        lastWrite = File.GetLastWriteTimeUtc(file);
        var entries = JsonSerializer.Deserialize<List<DeviceRegistryEntry>>(await File.ReadAllTextAsync(file, cancellationToken), WireJson.Options)
            ?? throw new InvalidOperationException($"{file} holds no registry entries");
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        session.Store([.. entries.Select(e => new DeviceRegistration(e.DeviceId, e.StoreId, e.Model, e.Serial, e.Location, e.Key, now))]);
        await session.SaveChangesAsync(cancellationToken);
        LogImported(entries.Count, file);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported {Count} device registrations from {File}")]
    private partial void LogImported(int count, string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not import the device registry from {File}: {Reason}")]
    private partial void LogImportFailed(string? file, string reason);
}
