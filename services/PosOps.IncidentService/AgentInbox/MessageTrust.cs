using System.Collections.Concurrent;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using PosOps.Contracts.Agent;
using PosOps.IncidentService.Registry;
using PosOps.ServiceDefaults.Messaging;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>A message read off an agent queue, with what is needed to check it.</summary>
public sealed record ReceivedAgentMessage(IAgentMessage Message, byte[] Body, string? Signature);

/// <summary>What trust needs of a device's registry entry: its store and its signing key.</summary>
public sealed record RegisteredDevice(string StoreId, byte[] Key);

/// <summary>
/// Rejects forged, unsigned and replayed agent messages before they can change anything: the
/// signature must verify with the key in the device registry, and the sequence must lie within the
/// replay window below the highest sequence seen from that device, and a registered device's message
/// must name the store the registry has it in.
/// </summary>
public sealed class MessageTrust(IDocumentStore store, NpgsqlDataSource dataSource, RegistryChanges registryChanges, IOptions<TrustOptions> options, TimeProvider clock)
{
    public const string MarksTable = "device_sequence_marks";
    private static readonly TimeSpan KeyCacheTime = TimeSpan.FromSeconds(60);

    // A device registered another way (API, another replica's import) is looked up again this soon.
    private static readonly TimeSpan UnknownCacheTime = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, (RegisteredDevice? Entry, DateTimeOffset LoadedAt)> entries = new(StringComparer.Ordinal);
    private long registryVersion;

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, MarksTable, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("device_id").AsPrimaryKey();
        table.AddColumn<long>("max_sequence").NotNull();
        return table;
    }

    /// <summary>For each message, null when it is trusted, otherwise why not.</summary>
    public async Task<string?[]> CheckAsync(IReadOnlyList<ReceivedAgentMessage> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var settings = options.Value;
        var devices = batch.Select(m => m.Message.DeviceId).Distinct(StringComparer.Ordinal).ToArray();
        // Loaded with or without signatures: the store check needs the registry either way.
        await LoadRegistryAsync(devices, cancellationToken);

        var marks = await MarksAsync(devices, cancellationToken);
        var verdicts = new string?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var device = batch[i].Message.DeviceId;
            var registered = entries.TryGetValue(device, out var cached) ? cached.Entry : null;
            verdicts[i] = Judge(batch[i], registered, marks.TryGetValue(device, out var highest) ? highest : null, settings);
        }

        return verdicts;
    }

    /// <summary>
    /// Pure: why one message is not trusted, or null. The store is the registry's, never the message's
    /// (design principle 9), so a registered device claiming another store is refused.
    /// </summary>
    /// <param name="registered">The device's registry entry, or null when it is not registered.</param>
    /// <param name="highest">The highest sequence accepted from the device so far, if any.</param>
    public static string? Judge(ReceivedAgentMessage received, RegisteredDevice? registered, long? highest, TrustOptions settings)
    {
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(settings);
        var (message, body, signature) = received;
        if (settings.RequireSignatures)
        {
            var problem = registered is null ? $"device '{message.DeviceId}' is not in the device registry"
                : string.IsNullOrEmpty(signature) ? "unsigned message"
                : !AgentSignature.Verify(registered.Key, message.DeviceId, message.Sequence, body, signature) ? "signature does not match (forged or altered message)"
                : null;
            if (problem is not null)
            {
                return problem;
            }
        }

        if (registered is not null && !string.Equals(registered.StoreId, message.StoreId, StringComparison.Ordinal))
        {
            return $"storeId '{message.StoreId}' does not match the device registry, which has device '{message.DeviceId}' in store '{registered.StoreId}'";
        }

        return highest - message.Sequence >= settings.ReplayWindow
            ? $"replayed: sequence {message.Sequence} is {settings.ReplayWindow} or more below the highest seen ({highest})"
            : null;
    }

    /// <summary>Moves each device's high-water mark up to the newest accepted sequence.</summary>
    public async Task RecordAsync(IEnumerable<IAgentMessage> accepted, CancellationToken cancellationToken)
    {
        var highest = accepted.GroupBy(m => m.DeviceId, StringComparer.Ordinal).Select(g => (Device: g.Key, Sequence: g.Max(m => m.Sequence))).ToList();
        if (highest.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand($"""
            insert into {EventStoreSchema.Name}.{MarksTable} as m (device_id, max_sequence)
            select * from unnest($1, $2)
            on conflict (device_id) do update set max_sequence = greatest(m.max_sequence, excluded.max_sequence)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = highest.Select(h => h.Device).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = highest.Select(h => h.Sequence).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task LoadRegistryAsync(string[] devices, CancellationToken cancellationToken)
    {
        var version = registryChanges.Version;
        if (Interlocked.Exchange(ref registryVersion, version) != version)
        {
            entries.Clear();
        }

        var now = clock.GetUtcNow();
        var missing = devices.Where(d => !entries.TryGetValue(d, out var k) || now - k.LoadedAt > (k.Entry is null ? UnknownCacheTime : KeyCacheTime)).ToArray();
        if (missing.Length == 0)
        {
            return;
        }

        await using var session = store.QuerySession();
        var found = (await session.LoadManyAsync<DeviceRegistration>(cancellationToken, missing)).ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var device in missing)
        {
            entries[device] = (found.TryGetValue(device, out var r) ? new RegisteredDevice(r.StoreId, Convert.FromBase64String(r.Key)) : null, now);
        }
    }

    private async Task<Dictionary<string, long>> MarksAsync(string[] devices, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select device_id, max_sequence from {EventStoreSchema.Name}.{MarksTable} where device_id = any($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = devices, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var marks = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            marks[reader.GetString(0)] = reader.GetInt64(1);
        }

        return marks;
    }
}
