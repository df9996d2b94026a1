using System.Text.Json;
using PosOps.Cli;

namespace PosOps.IntegrationTests.Cli;

/// <summary>What one <c>posops</c> run returned and wrote.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public JsonElement Json => JsonSerializer.Deserialize<JsonElement>(Output);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs the real <c>posops</c> command tree in-process against a running API, capturing its output.</summary>
public sealed class CliRunner(Uri api, string? apiKey)
{
    public const string OpsKey = "cli-test-ops-key-0123456789";

    public static IReadOnlyDictionary<string, string?> AuthSettings { get; } = new Dictionary<string, string?>
    {
        ["Auth:ApiKeys:0:Name"] = "li.wei",
        ["Auth:ApiKeys:0:Key"] = OpsKey,
        ["Auth:ApiKeys:0:Role"] = "admin",
        ["Runbooks:Folder"] = NoRunbooks.Folder,
    };

    public Uri Api => api;

    public async Task<CliRun> RunAsync(params string[] args) => await RunAsync(CancellationToken.None, args);

    public async Task<CliRun> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var withApi = apiKey is null ? [.. args, "--url", api.ToString()] : args.Concat(["--url", api.ToString(), "--api-key", apiKey]).ToArray();
        var code = await PosOpsCli.RunAsync(withApi, CliConsole.Plain(TextWriter.Synchronized(output), TextWriter.Synchronized(error)), handleSignals: false, cancellationToken);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
