using Npgsql;

namespace PosOps.IncidentService.Audit;

/// <summary>Recomputes a stream's hash chain from the rows as they are now, streaming (any stream: device, store, platform).</summary>
public sealed class StreamVerifier(NpgsqlDataSource dataSource)
{
    // A full join so both a deleted event (hash without row) and a smuggled-in row (row without hash) show up.
    private const string Sql = $"""
        select coalesce(e.version, h.version), {HashChainSchema.DigestOfRow}, h.hash
        from (select * from {EventStoreSchema.Name}.mt_events where stream_id = $1) e
        full join (select * from {HashChainSchema.HashTable} where stream_id = $1) h on h.version = e.version
        order by 1
        """;

    public async Task<ChainVerdict?> VerifyAsync(string streamId, CancellationToken cancellationToken)
    {
        var verifier = new HashChainVerifier();
        var any = false;
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter { Value = streamId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            any = true;
            var link = new ChainLink(
                reader.GetInt64(0),
                await reader.IsDBNullAsync(1, cancellationToken) ? null : await reader.GetFieldValueAsync<byte[]>(1, cancellationToken),
                await reader.IsDBNullAsync(2, cancellationToken) ? null : await reader.GetFieldValueAsync<byte[]>(2, cancellationToken));
            if (!verifier.Add(link))
            {
                break;
            }
        }

        return any ? verifier.Result() : null;
    }
}
