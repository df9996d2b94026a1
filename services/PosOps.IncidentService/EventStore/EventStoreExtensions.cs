using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Weasel.Core;

namespace PosOps.IncidentService;

/// <summary>The PostgreSQL schema that holds every IncidentService table.</summary>
public static class EventStoreSchema
{
    public const string Name = "posops";

    /// <summary>
    /// How events and documents are laid out: schema, one stream per device (string key), both clocks,
    /// correlation/causation ids and headers, enums as strings. The service and the replay benchmark share it.
    /// </summary>
    public static void ApplyLayout(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DatabaseSchemaName = Name;
        options.Events.DatabaseSchemaName = Name;
        options.Events.StreamIdentity = StreamIdentity.AsString;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString);
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
    }
}

public static class EventStoreExtensions
{
    /// <summary>
    /// Marten, configured once: one stream per device (string key = device id), enums as strings,
    /// both clocks kept, LISTEN/NOTIFY so after-commit publishing is near-instant, and the async
    /// daemon in hot/cold mode so only one replica runs subscriptions at a time.
    /// Feature folders add their projections through ConfigureMarten.
    /// </summary>
    public static IHostApplicationBuilder AddEventStore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMarten(options =>
            {
                EventStoreSchema.ApplyLayout(options);
                options.Events.UseListenNotifyForEventAppends = true;
                options.Projections.Errors.SkipApplyErrors = false;
                options.Projections.Errors.SkipSerializationErrors = false;
                options.Projections.Errors.SkipUnknownEvents = false;
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            .AddAsyncDaemon(DaemonMode.HotCold);
        builder.Services.AddHostedService<DaemonWatchdog>();
        return builder;
    }
}
