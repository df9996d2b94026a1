using System.Diagnostics;

namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>Runs deploy/local/servers.sh for a test's own server, with that server's state folder and ports.</summary>
public static class ServersScript
{
    public static async Task RunAsync(string command, IReadOnlyDictionary<string, string> environment, params string[] unset)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var script = Path.Combine(TestServers.RepositoryRoot(), "deploy", "local", "servers.sh");
        var start = new ProcessStartInfo("bash", [script, command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var name in unset)
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run servers.sh");
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"servers.sh {command} failed:\n{await stderr}");
        }
    }

    /// <summary>Removes a test server's state folder (under the temp folder; left to the OS when it cannot).</summary>
    public static void Delete(string state)
    {
        try
        {
            Directory.Delete(state, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the OS to clean.
        }
    }
}
