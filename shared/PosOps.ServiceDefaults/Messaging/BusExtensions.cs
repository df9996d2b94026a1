using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PosOps.Contracts;
using PosOps.Contracts.Incidents;

namespace PosOps.ServiceDefaults.Messaging;

/// <summary>MassTransit defaults shared by every service: RabbitMQ from <see cref="RabbitMqOptions"/>, raw JSON, readable names.</summary>
public static class BusExtensions
{
    /// <summary>
    /// Adds MassTransit over RabbitMQ. Bodies are raw JSON in the <see cref="WireJson"/> shape so any
    /// AMQP client can read and write them; integration events go to the exchanges named in <see cref="WireNames"/>.
    /// </summary>
    public static IHostApplicationBuilder AddPosOpsBus(
        this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? configure = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Started means consuming: a host that reports started has its queues bound.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddMassTransit(x =>
        {
            configure?.Invoke(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                var uri = options.ParsedUri;
                var (user, password) = options.Credentials;
                cfg.Host(uri.Host, (ushort)(uri.IsDefaultPort || uri.Port < 0 ? 5672 : uri.Port), options.VirtualHost, h =>
                {
                    h.Username(user);
                    h.Password(password);
                    h.PublisherConfirmation = true;
                    if (uri.Scheme == "amqps")
                    {
                        h.UseSsl(s => s.Protocol = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
                    }
                });
                cfg.UseRawJsonSerializer(RawSerializerOptions.AddTransportHeaders | RawSerializerOptions.CopyHeaders, isDefault: true);
                cfg.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType | RawSerializerOptions.CopyHeaders, isDefault: true);
                cfg.ConfigureJsonSerializerOptions(WireJson.Apply);
                cfg.Message<IncidentOpened>(m => m.SetEntityName(WireNames.IncidentOpenedExchange));
                cfg.Message<IncidentResolved>(m => m.SetEntityName(WireNames.IncidentResolvedExchange));
                cfg.Message<IncidentAcknowledged>(m => m.SetEntityName(WireNames.IncidentAcknowledgedExchange));
                cfg.Message<IncidentMitigated>(m => m.SetEntityName(WireNames.IncidentMitigatedExchange));
                cfg.Message<IncidentEscalated>(m => m.SetEntityName(WireNames.IncidentEscalatedExchange));
                cfg.Message<IncidentReopened>(m => m.SetEntityName(WireNames.IncidentReopenedExchange));
                cfg.Message<IncidentVerified>(m => m.SetEntityName(WireNames.IncidentVerifiedExchange));
                cfg.Message<IncidentClosed>(m => m.SetEntityName(WireNames.IncidentClosedExchange));
                cfg.Message<StoreOutageDetected>(m => m.SetEntityName(WireNames.StoreOutageDetectedExchange));
                cfg.Message<StoreOutageResolved>(m => m.SetEntityName(WireNames.StoreOutageResolvedExchange));
                cfg.Message<PlatformOutageDetected>(m => m.SetEntityName(WireNames.PlatformOutageDetectedExchange));
                cfg.Message<PlatformOutageResolved>(m => m.SetEntityName(WireNames.PlatformOutageResolvedExchange));
                configureBus?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
