using System.Runtime.CompilerServices;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Tests.Incidents;

/// <summary>Every stored event is folded by the kernel or by exactly one feature slice; slices own disjoint commands.</summary>
public class DeviceSliceTests
{
    private static readonly Type[] EventTypes = [.. typeof(IDeviceEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IDeviceEvent).IsAssignableFrom(t))];

    [Fact]
    public void EveryFeatureSliceIsFound_AndEachOwnsSomething()
    {
        var names = DeviceSlices.All.Select(s => s.GetType().Name).ToList();

        Assert.Equal(["CorrelationSlice", "LivenessSlice", "OfflineTransactionsSlice", "RemediationSlice", "RunbookSlice"], names);
        Assert.All(DeviceSlices.All, s => Assert.NotEmpty(s.Events));
    }

    [Fact]
    public void EveryStoredEventType_EvolvesTheDevice_WithoutTheUnknownEventRefusal()
    {
        Assert.True(EventTypes.Length >= 29, $"only {EventTypes.Length} event types found"); // the 29 stored today: a scan that finds fewer is broken
        foreach (var type in EventTypes)
        {
            // An empty instance: the fields' content does not matter, only that someone owns the type.
            var empty = (IDeviceEvent)RuntimeHelpers.GetUninitializedObject(type);
            var refusal = Record.Exception(() => DeviceDecider.Evolve(DeviceDecider.Initial("S01-T001"), empty));
            Assert.False(refusal is InvalidOperationException && refusal.Message.Contains("cannot evolve", StringComparison.Ordinal), $"{type.Name}: {refusal?.Message}");
        }
    }

    [Fact]
    public void EverySliceEventType_IsAStoredEvent_AndEverySliceCommandIsADeviceCommand()
    {
        Assert.All(DeviceSlices.All.SelectMany(s => s.Events), t => Assert.Contains(t, EventTypes));
        Assert.All(DeviceSlices.All.SelectMany(s => s.Commands), t => Assert.True(t.IsSubclassOf(typeof(DeviceCommand)), t.Name));
        Assert.All(DeviceSlices.All.SelectMany(s => s.Commands), t => Assert.Same(DeviceSlices.Deciding(t), DeviceSlices.All.Single(s => s.Commands.Contains(t))));
    }
}
