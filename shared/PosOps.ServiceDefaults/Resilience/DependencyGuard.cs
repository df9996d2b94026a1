using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PosOps.ServiceDefaults.Resilience;

/// <summary>
/// Runs a loop's work through dependency outages of any length: a dependency failure is reported
/// (health, metric, one warning per outage) and waited out with capped, jittered backoff, and the work
/// runs again. Anything else is a bug: it propagates, and the host stops (BackgroundService StopHost).
/// </summary>
public sealed partial class DependencyGuard(DependencyHealth health, IOptions<ResilienceOptions> options, TimeProvider clock, ILogger<DependencyGuard> logger)
{
    /// <summary>Runs <paramref name="work"/> until it completes or the service stops.</summary>
    public async Task RunAsync(string loop, Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await RunAsync<bool>(loop, async ct =>
        {
            await work(ct);
            return true;
        }, stoppingToken);
    }

    /// <inheritdoc cref="RunAsync(string, Func{CancellationToken, Task}, CancellationToken)"/>
    public async Task<T> RunAsync<T>(string loop, Func<CancellationToken, Task<T>> work, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var result = await work(stoppingToken);
                Recovered(loop);
                return result;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && Classify(e) is { } dependency)
            {
                // Long-running work that reported itself up in between starts its backoff again.
                if (health.IsUp(loop))
                {
                    attempt = 0;
                    LogOutage(loop, dependency, e.Message);
                }

                var outage = health.Down(loop, dependency, e.Message);
                var delay = options.Value.Backoff(attempt);
                LogWaiting(loop, dependency, (clock.GetUtcNow() - outage.Since).TotalSeconds, delay.TotalSeconds, e.Message);
                await Task.Delay(delay, clock, stoppingToken);
            }
        }
    }

    /// <summary>For work that runs for long (a consumer): it is up once it has (re)subscribed.</summary>
    public void Recovered(string loop)
    {
        if (health.Up(loop))
        {
            LogRecovered(loop);
        }
    }

    // A cancellation the service did not ask for is a client-side timeout: the dependency is slow or away.
    private static string? Classify(Exception e) => DependencyFailure.Of(e) ?? (e is OperationCanceledException ? DependencyFailure.Network : null);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Loop} waits for {Dependency}: {Reason}")]
    private partial void LogOutage(string loop, string dependency, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Loop} still waiting for {Dependency} after {Seconds:0} s; next try in {Delay:0.0} s: {Reason}")]
    private partial void LogWaiting(string loop, string dependency, double seconds, double delay, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Loop} works again")]
    private partial void LogRecovered(string loop);
}
