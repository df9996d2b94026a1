using System.Reflection;
using JasperFx.Events;
using PosOps.IncidentService.Correlation;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Tests.Incidents;

/// <summary>
/// IncidentView is routed by one interface so a transaction's events reach it in append order; an
/// event type the view applies but that does not implement the interface would never reach it.
/// </summary>
public sealed class IncidentViewRoutingTests
{
    [Fact]
    public void EveryEventTheIncidentViewApplies_IsAnIncidentEvent()
    {
        var applied = typeof(IncidentViewProjection).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name is "Apply" or "Create")
            .Select(m => m.GetParameters()[0].ParameterType)
            .Select(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEvent<>) ? t.GetGenericArguments()[0] : t)
            .Distinct()
            .ToList();

        Assert.True(applied.Count >= 18, $"found only {applied.Count} applied event types");
        Assert.All(applied, t => Assert.True(typeof(IIncidentEvent).IsAssignableFrom(t), $"{t.Name} is applied by IncidentView but is not an IIncidentEvent"));
    }

    [Fact]
    public void GivenAStoreWithoutAnOutage_WhenOneIsDetected_ThenTheIncidentOpensBeforeAnythingElseAboutIt()
    {
        var incidentId = Guid.CreateVersion7();
        var events = DeviceDecider.Decide(
            new DetectStoreOutage(StreamIds.Store("S01"), "S01", "network", ["S01-T001", "S01-T002", "S01-T003"], 4, incidentId, DateTimeOffset.UtcNow),
            DeviceDecider.Initial(StreamIds.Store("S01")));

        var aboutIt = events.OfType<IIncidentEvent>().Where(e => e.IncidentId == incidentId).ToList();
        Assert.IsType<IncidentOpened>(aboutIt[0]);
        Assert.Contains(aboutIt, e => e is StoreOutageDetected);
    }
}
