using System.Text.Json;
using PosOps.Contracts;

namespace PosOps.TerminalAgent.Simulation;

/// <summary>What a scripted step does to the targeted terminals.</summary>
public enum ScenarioAction
{
    /// <summary>A component fault (<see cref="ScenarioStep.Component"/>, <see cref="ScenarioStep.Code"/>).</summary>
    Fault,

    /// <summary>A link goes down (<see cref="ScenarioStep.Link"/>).</summary>
    LinkDown,

    /// <summary>The payment host stops answering (sales go to the offline journal).</summary>
    PaymentHostDown,

    /// <summary>The store's router stops answering (wired and WiFi terminals lose the gateway).</summary>
    GatewayDown,

    /// <summary>The terminal loses power: it falls silent.</summary>
    PowerLoss,

    /// <summary>Tamper detected.</summary>
    Tamper,
}

/// <summary>
/// One scripted step: at <see cref="At"/> seconds after start, for <see cref="For"/> seconds (or for
/// good), on <see cref="Target"/> (a device id, a store id, or "*"), optionally only a share of its terminals.
/// </summary>
public sealed record ScenarioStep(
    double At,
    string Target,
    ScenarioAction Action,
    double? For = null,
    double Share = 1.0,
    string? Component = null,
    string? Code = null,
    string? Link = null);

/// <summary>A scenario file: steps plus an optional name.</summary>
public sealed record Scenario(IReadOnlyList<ScenarioStep> Steps, string? Name = null)
{
    public static Scenario Load(string path)
    {
        Scenario? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize<Scenario>(File.ReadAllText(path), WireJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"scenario file {path} is not valid: {e.Message}", e);
        }

        if (scenario?.Steps is null)
        {
            throw new InvalidOperationException($"scenario file {path} has no steps");
        }

        foreach (var (step, index) in scenario.Steps.Select((s, i) => (s, i)))
        {
            var problem = step switch
            {
                { At: < 0 } => "at must be 0 or more seconds",
                { For: <= 0 } => "for must be positive when given",
                { Share: <= 0 or > 1 } => "share must be in (0, 1]",
                { Action: ScenarioAction.Fault, Component: null } or { Action: ScenarioAction.Fault, Code: null } => "a fault needs component and code",
                { Action: ScenarioAction.LinkDown, Link: null } => "linkDown needs link",
                _ => null,
            };
            if (problem is not null)
            {
                throw new InvalidOperationException($"scenario file {path}, step {index + 1}: {problem}");
            }
        }

        return scenario;
    }
}
