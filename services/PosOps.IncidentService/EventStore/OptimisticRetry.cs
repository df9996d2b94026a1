namespace PosOps.IncidentService;

/// <summary>
/// Design principle 4: writers append with an expected stream version (and insert documents that
/// must not exist yet); when another replica got there first, reload, decide again and retry.
/// </summary>
public static partial class OptimisticRetry
{
    private const int MaxAttempts = 5;

    public static async Task RunAsync(Func<Task> attempt, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        for (var number = 1; ; number++)
        {
            try
            {
                await attempt();
                return;
            }
            catch (Exception e) when (number < MaxAttempts && IsConflict(e))
            {
                LogConflict(logger, number, e.Message);
            }
        }
    }

    public static bool IsConflict(Exception e) =>
        e is JasperFx.ConcurrencyException or JasperFx.DocumentAlreadyExistsException or Marten.Exceptions.ConcurrentUpdateException
        || e.GetType().Name.Contains("UnexpectedMaxEventId", StringComparison.Ordinal)
        || (e.InnerException is { } inner && IsConflict(inner));

    [LoggerMessage(Level = LogLevel.Information, Message = "Write conflicted with another writer on attempt {Attempt}; reloading and retrying: {Reason}")]
    private static partial void LogConflict(ILogger logger, int attempt, string reason);
}
