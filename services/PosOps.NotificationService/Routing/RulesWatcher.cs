using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PosOps.NotificationService.Channels;
using PosOps.ServiceDefaults.Files;

namespace PosOps.NotificationService.Routing;

/// <summary>
/// The rules in force. Loaded at start-up (a bad file stops the service with the reasons), then the
/// file is watched: a valid change replaces the rules at once, a bad change is refused and logged
/// with the reasons while the old rules stay in force.
/// </summary>
public sealed partial class RulesWatcher : BackgroundService
{
    private readonly RoutingOptions options;
    private readonly RulesLoader loader;
    private readonly ILogger<RulesWatcher> logger;
    private string? lastHash;

    public RulesWatcher(IOptions<RoutingOptions> options, IOptions<WebhookOptions> webhook, IConfiguration configuration, ILogger<RulesWatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(webhook);
        this.options = options.Value;
        this.logger = logger;
        loader = new RulesLoader(configuration, webhook.Value, this.options);
        Current = this.options.File is { Length: > 0 } file
            ? TryLoad(file, out var problems) ?? throw new InvalidOperationException($"Routing rules '{file}' are invalid: {string.Join("; ", problems)}")
            : loader.BuiltIn();
    }

    public RuleSet Current { get; private set; }

    /// <summary>Raised after new rules are in force (tests and logs).</summary>
    public event Action<RuleSet>? Reloaded;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.File is not { Length: > 0 } file)
        {
            return;
        }

        using var watched = new WatchedFile(file);
        if (watched.EventsUnavailable is { } why)
        {
            LogNoEvents(file, why);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await watched.WaitAsync(TimeSpan.FromSeconds(options.CheckSeconds), stoppingToken);
            try
            {
                CheckOnce(file);
            }
            catch (IOException e)
            {
                LogUnreadable(file, e.Message);
            }
        }
    }

    internal void CheckOnce(string file)
    {
        var hash = Hash(File.ReadAllText(file));
        if (hash == lastHash)
        {
            return;
        }

        if (TryLoad(file, out var problems) is { } rules)
        {
            Current = rules;
            LogReloaded(file, rules.Routes.Count, rules.Receivers.Count);
            Reloaded?.Invoke(rules);
        }
        else
        {
            LogRefused(file, string.Join("; ", problems));
        }
    }

    private RuleSet? TryLoad(string file, out IReadOnlyList<string> problems)
    {
        var text = File.ReadAllText(file);
        lastHash = Hash(text);
        return loader.Load(text, $"{file} ({lastHash[..12]})", out problems);
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Routing rules reloaded from {File}: {Routes} routes, {Receivers} receivers")]
    private partial void LogReloaded(string file, int routes, int receivers);

    [LoggerMessage(Level = LogLevel.Error, Message = "Routing rules change in {File} refused, the previous rules stay in force: {Problems}")]
    private partial void LogRefused(string file, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No change events for {File} ({Error}); checking it every CheckSeconds only")]
    private partial void LogNoEvents(string file, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Routing rules file {File} could not be read ({Error}); the previous rules stay in force")]
    private partial void LogUnreadable(string file, string error);
}
