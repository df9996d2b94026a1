using System.Globalization;
using PosOps.ServiceDefaults.Configuration;

namespace PosOps.TerminalAgent.OfflineJournal;

/// <summary>Limits on store-and-forward, so an outage cannot grow the merchant's risk without bound.</summary>
public sealed class OfflineJournalOptions : IValidatedOptions
{
    public const string Section = "Agent:OfflineJournal";

    /// <summary>Most transactions waiting per terminal.</summary>
    public int MaxTransactions { get; set; } = 5000;

    /// <summary>Most total amount waiting per terminal, per currency (ISO code → amount). Currencies not listed use <see cref="DefaultMaxAmount"/>.</summary>
    public Dictionary<string, decimal> MaxAmount { get; set; } = new(StringComparer.Ordinal) { ["CNY"] = 200_000m };

    public decimal DefaultMaxAmount { get; set; } = 50_000m;

    /// <summary>Oldest a transaction may be when it is recorded (a sale from days ago is not an offline sale).</summary>
    public double MaxAgeHours { get; set; } = 72;

    /// <summary>Transactions per upload message.</summary>
    public int UploadBatchSize { get; set; } = 200;

    public decimal LimitFor(string currency) => MaxAmount.TryGetValue(currency, out var limit) ? limit : DefaultMaxAmount;

    public IEnumerable<string> Validate()
    {
        if (MaxTransactions < 1)
        {
            yield return $"MaxTransactions must be at least 1, got {MaxTransactions}";
        }

        foreach (var (currency, limit) in MaxAmount)
        {
            if (currency.Length != 3 || limit <= 0)
            {
                yield return $"MaxAmount:{currency} must be a 3-letter currency with a positive limit, got {limit.ToString(CultureInfo.InvariantCulture)}";
            }
        }

        if (MaxAgeHours <= 0)
        {
            yield return $"MaxAgeHours must be positive, got {MaxAgeHours}";
        }

        if (UploadBatchSize is < 1 or > 5000)
        {
            yield return $"UploadBatchSize must be 1-5000, got {UploadBatchSize}";
        }
    }
}
