using System.Text;

namespace PosOps.Contracts.Incidents;

/// <summary>
/// An integration event IncidentService publishes after commit. All of them travel on
/// <see cref="WireNames.IncidentEventsExchange"/>, routed by <see cref="IncidentId"/>, with their
/// <see cref="IntegrationEvents.NameOf(Type)"/> in the AMQP <c>type</c> property.
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>Stable per (incident, transition): downstream deduplicates on it.</summary>
    Guid EventId { get; }

    /// <summary>The incident (device, store or platform) the event is about; one incident's events stay in order.</summary>
    Guid IncidentId { get; }

    DateTimeOffset OccurredAt { get; }

    DateTimeOffset RecordedAt { get; }
}

/// <summary>
/// The one registration list of integration events, derived from the contract records: every public
/// record in this assembly that implements <see cref="IIntegrationEvent"/>. A new event is its record
/// (plus where it is emitted, plus the AsyncAPI document); nothing else lists them.
/// </summary>
public static class IntegrationEvents
{
    private static readonly Dictionary<string, Type> ByName = typeof(IIntegrationEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && typeof(IIntegrationEvent).IsAssignableFrom(t))
        .ToDictionary(NameOf, t => t, StringComparer.Ordinal);

    /// <summary>Every integration event type.</summary>
    public static IReadOnlyCollection<Type> Types { get; } = ByName.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();

    /// <summary>The wire name (AMQP <c>type</c>): <c>IncidentOpened</c> → <c>incident-opened</c>.</summary>
    public static string NameOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var name = new StringBuilder(type.Name.Length + 4);
        foreach (var c in type.Name)
        {
            if (char.IsUpper(c) && name.Length > 0)
            {
                name.Append('-');
            }

            name.Append(char.ToLowerInvariant(c));
        }

        return name.ToString();
    }

    /// <summary>The record for a wire name, or null for a name this version does not know.</summary>
    public static Type? TypeOf(string? name) => name is not null && ByName.TryGetValue(name, out var type) ? type : null;
}
