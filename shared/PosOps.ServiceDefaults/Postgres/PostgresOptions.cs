using Npgsql;
using PosOps.ServiceDefaults.Configuration;

namespace PosOps.ServiceDefaults.Postgres;

/// <summary>Where the database is. One place for every process.</summary>
public sealed class PostgresOptions : IValidatedOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Postgres";

    /// <summary>Npgsql connection string. Defaults to the local servers script.</summary>
    public string ConnectionString { get; set; } =
        "Host=127.0.0.1;Port=27432;Username=posops;Password=posops;Database=posops";

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        string? problem = null;
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            if (string.IsNullOrWhiteSpace(builder.Host) || string.IsNullOrWhiteSpace(builder.Database))
            {
                problem = "ConnectionString needs at least Host and Database";
            }
        }
        catch (ArgumentException e)
        {
            problem = $"ConnectionString must look like 'Host=127.0.0.1;Port=5432;Username=u;Password=p;Database=posops': {e.Message}";
        }

        if (problem is not null)
        {
            yield return problem;
        }
    }
}
