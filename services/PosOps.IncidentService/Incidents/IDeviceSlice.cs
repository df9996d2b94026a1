using System.Collections.Frozen;

namespace PosOps.IncidentService.Incidents;

/// <summary>
/// A feature's share of the device decider: the commands it decides and the stored events it folds into
/// the device state, both pure. The kernel finds slices by type (<see cref="DeviceSlices"/>), so a feature
/// plugs one in by adding a class and the kernel names no feature.
/// </summary>
public interface IDeviceSlice
{
    IReadOnlyCollection<Type> Commands { get; }

    IReadOnlyCollection<Type> Events { get; }

    /// <summary>Decides one of <see cref="Commands"/>; the device id is checked already, replay guards are the slice's.</summary>
    IDeviceEvent[] Decide(DeviceCommand command, Device state, FlapPolicy flapping);

    /// <summary>Folds one of <see cref="Events"/> into the state.</summary>
    Device Evolve(Device state, IDeviceEvent @event);
}

/// <summary>Every <see cref="IDeviceSlice"/> in this assembly, indexed by the command and event types each one owns.</summary>
public static class DeviceSlices
{
    private static readonly IReadOnlyList<IDeviceSlice> Found = [.. typeof(IDeviceSlice).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IDeviceSlice).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (IDeviceSlice)Activator.CreateInstance(t)!)];

    private static readonly FrozenDictionary<Type, IDeviceSlice> ByCommand = Index(s => s.Commands, "command");
    private static readonly FrozenDictionary<Type, IDeviceSlice> ByEvent = Index(s => s.Events, "event");

    public static IReadOnlyList<IDeviceSlice> All => Found;

    public static IDeviceSlice? Deciding(Type command) => ByCommand.GetValueOrDefault(command);

    public static IDeviceSlice? Evolving(Type @event) => ByEvent.GetValueOrDefault(@event);

    // Two owners for one type would make the outcome depend on discovery order: refuse at start-up.
    private static FrozenDictionary<Type, IDeviceSlice> Index(Func<IDeviceSlice, IEnumerable<Type>> types, string kind)
    {
        var index = new Dictionary<Type, IDeviceSlice>();
        foreach (var slice in Found)
        {
            foreach (var type in types(slice))
            {
                if (!index.TryAdd(type, slice))
                {
                    throw new InvalidOperationException($"{kind} {type.Name} is claimed by both {index[type].GetType().Name} and {slice.GetType().Name}");
                }
            }
        }

        return index.ToFrozenDictionary();
    }
}
