using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PosOps.ServiceDefaults.Resilience;

/// <summary>A loop waiting for a dependency: which one, since when, and the last error.</summary>
public sealed record LoopOutage(string Loop, string Dependency, DateTimeOffset Since, string Reason);

/// <summary>
/// Which long-running loops are waiting for a dependency right now. Feeds <c>/health/ready</c> (not ready,
/// naming each loop and why) and the gauge <c>posops_loop_up{loop}</c>.
/// </summary>
public sealed class DependencyHealth
{
    public const string MeterName = "PosOps.Resilience";
    private readonly ConcurrentDictionary<string, LoopOutage?> loops = new(StringComparer.Ordinal);
    private readonly Counter<long> failures;
    private readonly TimeProvider clock;

    public DependencyHealth(IMeterFactory meterFactory, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        this.clock = clock;
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("posops.loop.up", () => loops.Select(p => new Measurement<int>(p.Value is null ? 1 : 0, new KeyValuePair<string, object?>("loop", p.Key))),
            description: "1 while a long-running loop works, 0 while it waits for a dependency");
        failures = meter.CreateCounter<long>("posops.dependency.failures", description: "Dependency failures a loop waited out");
    }

    public IReadOnlyList<LoopOutage> Outages => [.. loops.Values.OfType<LoopOutage>().OrderBy(o => o.Loop, StringComparer.Ordinal)];

    /// <summary>The loop works (again). Returns true when it had been waiting.</summary>
    public bool Up(string loop)
    {
        var previous = loops.GetValueOrDefault(loop);
        loops[loop] = null;
        return previous is not null;
    }

    /// <summary>The loop waits for a dependency; the first failure of an outage sets its start.</summary>
    public LoopOutage Down(string loop, string dependency, string reason)
    {
        failures.Add(1, new KeyValuePair<string, object?>("loop", loop), new KeyValuePair<string, object?>("dependency", dependency));
        var since = loops.GetValueOrDefault(loop)?.Since ?? clock.GetUtcNow();
        var outage = new LoopOutage(loop, dependency, since, reason);
        loops[loop] = outage;
        return outage;
    }

    public bool IsUp(string loop) => loops.GetValueOrDefault(loop) is null;
}

/// <summary>Not ready while any loop waits for a dependency; the description names each one and why.</summary>
public sealed class LoopsHealthCheck(DependencyHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var outages = health.Outages;
        return Task.FromResult(outages.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy(string.Join("; ", outages.Select(o =>
                string.Create(CultureInfo.InvariantCulture, $"{o.Loop}: {o.Dependency} unreachable since {o.Since:O} ({o.Reason})")))));
    }
}
