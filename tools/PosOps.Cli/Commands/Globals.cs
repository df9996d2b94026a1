using System.CommandLine;
using PosOps.Cli.Api;
using PosOps.Cli.Output;

namespace PosOps.Cli.Commands;

/// <summary>Options every command shares (API address and key, JSON for scripts) and what they give a command.</summary>
public sealed class Globals
{
    public Globals(CliConsole console)
    {
        Console = console;
    }

    public CliConsole Console { get; }

    public Option<string> Url { get; } = new("--url")
    {
        Description = $"Base URL of the PosOps API (env {PosOpsApi.UrlVariable}, default {PosOpsApi.DefaultUrl})",
        Recursive = true,
        HelpName = "url",
    };

    public Option<string> ApiKey { get; } = new("--api-key")
    {
        Description = $"API key sent as X-Api-Key (env {PosOpsApi.KeyVariable})",
        Recursive = true,
        HelpName = "key",
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write JSON for scripts (same as --format json)",
        Recursive = true,
    };

    public PosOpsApi Api(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var url = parse.GetValue(Url) ?? Environment.GetEnvironmentVariable(PosOpsApi.UrlVariable);
        if (string.IsNullOrWhiteSpace(url))
        {
            url = PosOpsApi.DefaultUrl;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--url must be an http(s) URL, got '{url}'");
        }

        return new PosOpsApi(baseUrl, parse.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable(PosOpsApi.KeyVariable));
    }

    /// <summary>A --format option with the given choices; --json wins over it.</summary>
    public static Option<OutputFormat> FormatOption(OutputFormat fallback, params OutputFormat[] allowed)
    {
        var names = allowed.Select(f => f.ToString().ToLowerInvariant()).ToArray();
        var option = new Option<OutputFormat>("--format", "-f")
        {
            Description = $"Output: {string.Join(", ", names)} (default {fallback.ToString().ToLowerInvariant()})",
            DefaultValueFactory = _ => fallback,
            HelpName = string.Join('|', names),
        };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !names.Contains(result.Tokens[0].Value.ToLowerInvariant()))
            {
                result.AddError($"--format must be one of: {string.Join(", ", names)}");
            }
        });
        return option;
    }

    public OutputFormat Format(ParseResult parse, Option<OutputFormat> format)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetValue(Json) ? OutputFormat.Json : parse.GetValue(format);
    }

    /// <summary>Who acts: --by, else POSOPS_USER, else the login name.</summary>
    public static Option<string> ByOption() => new("--by")
    {
        Description = "Who acts (default: env POSOPS_USER, else your login name); the API may take it from the key instead",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("POSOPS_USER") is { Length: > 0 } user ? user : Environment.UserName,
        HelpName = "name",
    };
}

/// <summary>A command line that parsed but makes no sense (exit code 2).</summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
