using Microsoft.Extensions.Options;
using PosOps.ServiceDefaults.Configuration;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Runbooks;

public static class RunbooksExtensions
{
    /// <summary>The runbook library (validated at start-up: a bad file stops the service) its reaction and its timers.</summary>
    public static IHostApplicationBuilder AddRunbooks(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<RunbookOptions>(RunbookOptions.Section);
        builder.Services.AddSingleton(sp => RunbookLibrary.Load(sp.GetRequiredService<IOptions<RunbookOptions>>().Value.Folder));
        builder.Services.AddHostedService<RunbookLibraryCheck>();
        builder.Services.AddSingleton<RunbookReaction>();
        builder.Services.AddSingleton<IDeviceReaction>(sp => sp.GetRequiredService<RunbookReaction>());
        builder.Services.AddSingleton<ITimerHandler, RunbookTimers>();
        return builder;
    }
}

/// <summary>Loads the runbooks before anything else runs, so a bad file stops the start with its message.</summary>
public sealed partial class RunbookLibraryCheck(IServiceProvider services, ILogger<RunbookLibraryCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        RunbookLibrary library;
        try
        {
            library = services.GetRequiredService<RunbookLibrary>();
        }
        catch (RunbookValidationException e)
        {
            LogInvalid(e.Message);
            throw;
        }

        LogLoaded(library.Runbooks.Count, library.Runbooks.Sum(r => r.Faults.Count));
        foreach (var code in library.Uncovered())
        {
            LogUncovered(code);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Problems}")]
    private partial void LogInvalid(string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} runbooks covering {Faults} fault codes")]
    private partial void LogLoaded(int count, int faults);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fault code {Code} has no runbook; its incidents are worked by hand")]
    private partial void LogUncovered(string code);
}
