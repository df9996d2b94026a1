using PosOps.Contracts.Incidents;

namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>AMQP types of the integration events, for taps and raw publishes.</summary>
public static class EventTypes
{
    public static readonly string IncidentOpened = IntegrationEvents.NameOf(typeof(Contracts.Incidents.IncidentOpened));
    public static readonly string IncidentResolved = IntegrationEvents.NameOf(typeof(Contracts.Incidents.IncidentResolved));
    public static readonly string IncidentMitigated = IntegrationEvents.NameOf(typeof(Contracts.Incidents.IncidentMitigated));
    public static readonly string StoreOutageDetected = IntegrationEvents.NameOf(typeof(Contracts.Incidents.StoreOutageDetected));
    public static readonly string PlatformOutageDetected = IntegrationEvents.NameOf(typeof(Contracts.Incidents.PlatformOutageDetected));
    public static readonly string PlatformOutageResolved = IntegrationEvents.NameOf(typeof(Contracts.Incidents.PlatformOutageResolved));
}
