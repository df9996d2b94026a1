using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using PosOps.Contracts;

namespace PosOps.IncidentService.Audit;

/// <summary>Writes a history as CSV or a JSON array row by row, flushing as it goes: memory stays flat whatever the size.</summary>
public static class HistoryExport
{
    private const int FlushEvery = 256;

    /// <summary>The JSON writer fills the pipe's buffer (no synchronous I/O); the pipe is flushed to the client every few rows.</summary>
    public static async Task WriteJsonAsync(IAsyncEnumerable<HistoryEvent> events, PipeWriter body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(body);
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartArray();
        var count = 0;
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, e, WireJson.Options);
            if (++count % FlushEvery == 0)
            {
                await body.FlushAsync(cancellationToken);
            }
        }

        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken);
        await body.FlushAsync(cancellationToken);
    }

    public static async Task WriteCsvAsync(IAsyncEnumerable<HistoryEvent> events, Stream body, bool withDeviceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true);
        await writer.WriteLineAsync((withDeviceId ? "deviceId," : "") + "version,sequence,type,occurredAt,recordedAt,actor,correlationId,data");
        var count = 0;
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(Row(e, withDeviceId));
            if (++count % FlushEvery == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>One CSV line (RFC 4180 quoting), instants in ISO 8601 UTC.</summary>
    public static string Row(HistoryEvent e, bool withDeviceId)
    {
        ArgumentNullException.ThrowIfNull(e);
        IEnumerable<string> fields =
        [
            .. withDeviceId ? [e.DeviceId ?? ""] : Array.Empty<string>(),
            e.Version.ToString(CultureInfo.InvariantCulture),
            e.Sequence.ToString(CultureInfo.InvariantCulture),
            e.Type,
            e.OccurredAt?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) ?? "",
            e.RecordedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            e.Actor,
            e.CorrelationId ?? "",
            e.Data.GetRawText(),
        ];
        return string.Join(',', fields.Select(Quote));
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
