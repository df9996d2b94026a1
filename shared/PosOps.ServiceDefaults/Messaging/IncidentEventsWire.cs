using System.Text;
using System.Text.Json;
using PosOps.Contracts;
using PosOps.Contracts.Incidents;
using RabbitMQ.Client;

namespace PosOps.ServiceDefaults.Messaging;

/// <summary>
/// How an integration event looks on <see cref="WireNames.IncidentEventsExchange"/>: the record as raw JSON,
/// its name in the AMQP <c>type</c> property, the event id as message id, routing key = incident id.
/// Both sides use this, so producer and consumers cannot drift apart.
/// </summary>
public static class IncidentEventsWire
{
    /// <summary>W3C trace context of the publish span, so consumers continue the trace.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>Declares the one exchange (topic, durable). Declared by both sides, so either may start first.</summary>
    public static Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return channel.ExchangeDeclareAsync(WireNames.IncidentEventsExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
    }

    /// <summary>The routing key: the incident, so one incident's events share a partition.</summary>
    public static string RoutingKey(IIntegrationEvent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.IncidentId.ToString("D");
    }

    public static BasicProperties Properties(IIntegrationEvent message, long? sequence, string? traceParent)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = new Dictionary<string, object?>();
        if (sequence is { } s)
        {
            headers[WireNames.EventSequenceHeader] = s;
        }

        if (traceParent is not null)
        {
            headers[TraceParentHeader] = traceParent;
        }

        return new BasicProperties
        {
            Type = IntegrationEvents.NameOf(message.GetType()),
            MessageId = message.EventId.ToString("D"),
            ContentType = "application/json",
            Persistent = true,
            Headers = headers,
        };
    }

    public static byte[] Body(IIntegrationEvent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), WireJson.Options);
    }

    /// <summary>Reads a delivery; throws <see cref="FormatException"/> (it can never succeed) with the reason.</summary>
    public static IIntegrationEvent Read(string? type, ReadOnlyMemory<byte> body)
    {
        var clr = IntegrationEvents.TypeOf(type)
            ?? throw new FormatException(type is null ? "no AMQP type property" : $"unknown integration event type '{type}'");
        try
        {
            return JsonSerializer.Deserialize(body.Span, clr, WireJson.Options) as IIntegrationEvent
                ?? throw new FormatException($"{type}: the body is JSON null");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{type}: {e.Message}", e);
        }
    }

    /// <summary>The event-sequence header, when the producer sent one.</summary>
    public static long? Sequence(IReadOnlyBasicProperties properties) =>
        properties?.Headers is { } headers && headers.TryGetValue(WireNames.EventSequenceHeader, out var value)
            ? value switch { long l => l, int i => i, byte[] b when long.TryParse(Encoding.UTF8.GetString(b), out var p) => p, _ => null }
            : null;
}
