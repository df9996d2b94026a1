using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using PosOps.Cli;

namespace PosOps.IntegrationTests.Cli;

/// <summary>The <c>posops</c> CLI against a real IncidentService on real PostgreSQL and RabbitMQ.</summary>
public sealed class CliTests(TestServers servers) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    protected override IReadOnlyDictionary<string, string?> Settings => CliRunner.AuthSettings;

    private CliRunner Cli => new(System.Api.BaseAddress!, CliRunner.OpsKey);

    private async Task<string> OpenIncidentAsync(string device, string component = "printer", string code = "PAPER_OUT")
    {
        await System.Agent.PublishAsync(Messages.Heartbeat(device, 1), default);
        await System.Agent.PublishAsync(Messages.Fault(device, 2, component, code), default);
        string? id = null;
        await Wait.UntilAsync(async () =>
        {
            var run = await Cli.RunAsync("incidents", "--device", device, "--json");
            id = run.ExitCode == 0 ? run.Json.EnumerateArray().Select(i => i.GetProperty("id").GetString()).FirstOrDefault() : null;
            return id is not null;
        }, TimeSpan.FromSeconds(30), $"an incident for {device}");
        return id!;
    }

    [Fact]
    public async Task GivenAnOpenIncident_WhenOpsListsAcknowledgesAndResolvesWithTheCli_ThenTheApiShowsEachStep()
    {
        var device = Messages.NewDeviceId();
        var id = await OpenIncidentAsync(device);

        var table = await Cli.RunAsync("incidents", "--status", "open");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(device, table.Output);
        Assert.Contains("PAPER_OUT", table.Output);

        var devices = await Cli.RunAsync("devices", "--json");
        Assert.True(devices.ExitCode == 0, devices.ToString());
        Assert.Contains(devices.Json.EnumerateArray(), d => d.GetProperty("deviceId").GetString() == device && d.GetProperty("status").GetString() == "degraded");
        var degraded = await Cli.RunAsync("devices", "--status", "degraded", "--json");
        Assert.True(degraded.ExitCode == 0, degraded.ToString());
        Assert.Equal([device], degraded.Json.EnumerateArray().Select(d => d.GetProperty("deviceId").GetString()));

        var ack = await Cli.RunAsync("ack", id, "--by", "li.wei", "--json");
        Assert.True(ack.ExitCode == 0, ack.ToString());
        Assert.Equal("acknowledged", ack.Json.GetProperty("status").GetString());

        var resolve = await Cli.RunAsync("resolve", id, "--by", "li.wei", "--note", "paper refilled");
        Assert.True(resolve.ExitCode == 0, resolve.ToString());
        Assert.Contains("resolved", resolve.Output);

        var shown = await Cli.RunAsync("incidents", id, "--format", "json");
        Assert.Equal("resolved", shown.Json.GetProperty("status").GetString());

        // A late acknowledge changes nothing (the lifecycle treats it as already done).
        var again = await Cli.RunAsync("ack", id);
        Assert.True(again.ExitCode == ExitCodes.Ok, again.ToString());
        Assert.Contains("is now resolved", again.Output);
    }

    [Fact]
    public async Task GivenBadInputOrNoApi_WhenTheCliRuns_ThenExitCodesTellUsageFailureAndUnreachableApart()
    {
        var usage = await Cli.RunAsync("ack", "not-an-incident-id");
        Assert.True(usage.ExitCode == ExitCodes.Usage, usage.ToString());

        var unknownCommand = await Cli.RunAsync("frobnicate");
        Assert.Equal(ExitCodes.Usage, unknownCommand.ExitCode);

        var badFormat = await Cli.RunAsync("replay", "S01-T001", "--format", "xml");
        Assert.Equal(ExitCodes.Usage, badFormat.ExitCode);

        var missing = await Cli.RunAsync("ack", Guid.NewGuid().ToString());
        Assert.True(missing.ExitCode == ExitCodes.Failure, missing.ToString());

        var closedPort = new CliRunner(new Uri($"http://127.0.0.1:{ClosedPort()}"), CliRunner.OpsKey);
        var unreachable = await closedPort.RunAsync("incidents");
        Assert.True(unreachable.ExitCode == ExitCodes.Unreachable, unreachable.ToString());
        Assert.Contains("cannot reach", unreachable.Error);

        var help = await Cli.RunAsync("export", "--help");
        Assert.Equal(ExitCodes.Ok, help.ExitCode);
        Assert.Contains("--format", help.Output);
        var rootHelp = await Cli.RunAsync("--help");
        Assert.Contains("Exit codes", rootHelp.Output);
    }

    [Fact]
    public async Task GivenADeviceHistory_WhenReplayedAsTableJsonAndCsv_ThenEveryFormatShowsTheSameEvents()
    {
        var device = Messages.NewDeviceId();
        var id = await OpenIncidentAsync(device);
        Assert.Equal(0, (await Cli.RunAsync("ack", id, "--by", "li.wei")).ExitCode);

        var json = await Cli.RunAsync("replay", device, "--format", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var types = json.Json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(["fault_detected", "incident_opened", "incident_acknowledged"], types);

        var csv = await Cli.RunAsync("replay", device, "--format", "csv");
        var lines = csv.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("version,sequence,type,occurredAt,recordedAt,actor,correlationId,data", lines[0]);
        Assert.Equal(4, lines.Length);

        var table = await Cli.RunAsync("replay", device);
        Assert.Contains("incident_acknowledged", table.Output);
    }

    [Fact]
    public async Task GivenADeviceHistory_WhenReplayedAtAnInstant_ThenTheStateThenIsShownAndLaterEventsAreLeftOut()
    {
        var device = Messages.NewDeviceId();
        var id = await OpenIncidentAsync(device);
        var events = await Cli.RunAsync("replay", device, "--json");
        var opened = events.Json.GetProperty("events").EnumerateArray().First(e => e.GetProperty("type").GetString() == "incident_opened");
        var at = DateTimeOffset.Parse(opened.GetProperty("recordedAt").GetString()!, CultureInfo.InvariantCulture).AddMilliseconds(1);
        await Task.Delay(50);
        Assert.Equal(0, (await Cli.RunAsync("ack", id, "--by", "li.wei")).ExitCode);

        var replay = await Cli.RunAsync("replay", device, "--at", at.ToString("O", CultureInfo.InvariantCulture), "--json");

        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.DoesNotContain(replay.Json.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "incident_acknowledged");
        Assert.NotEqual(JsonValueKind.Null, replay.Json.GetProperty("state").ValueKind);
        var table = await Cli.RunAsync("replay", device, "--at", at.ToString("O", CultureInfo.InvariantCulture));
        Assert.Contains("state of " + device, table.Output);
    }

    [Fact]
    public async Task GivenADeviceHistory_WhenExported_ThenTheFileHasEveryEventAndProgressIsReported()
    {
        var device = Messages.NewDeviceId();
        var id = await OpenIncidentAsync(device);
        Assert.Equal(0, (await Cli.RunAsync("ack", id, "--by", "li.wei")).ExitCode);
        var file = Path.Combine(Path.GetTempPath(), $"posops-export-{Guid.NewGuid():N}.csv");
        try
        {
            var csv = await Cli.RunAsync("export", device, "--output", file);
            Assert.True(csv.ExitCode == 0, csv.ToString());
            var lines = (await File.ReadAllLinesAsync(file)).Where(l => l.Length > 0).ToList();
            Assert.Equal(4, lines.Count);
            Assert.Contains("exported 3 events", csv.Error);

            var json = await Cli.RunAsync("export", device, "--format", "json");
            Assert.True(json.ExitCode == 0, json.ToString());
            Assert.Equal(3, json.Json.GetArrayLength());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task GivenAnUntouchedStream_WhenVerified_ThenExit0_AndAfterTamperingExit1()
    {
        var device = Messages.NewDeviceId();
        await OpenIncidentAsync(device);

        var valid = await Cli.RunAsync("verify", device);
        Assert.True(valid.ExitCode == ExitCodes.Ok, valid.ToString());
        Assert.Contains("valid", valid.Output);

        // Someone edits a stored event behind the API's back.
        await using (var connection = new Npgsql.NpgsqlConnection(System.Environment.PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var tamper = new Npgsql.NpgsqlCommand(
                "update mt_events set data = jsonb_set(data, '{faultCode}', '\"TAMPERED\"') where stream_id = $1 and type = 'incident_opened'", connection);
            tamper.Parameters.Add(new Npgsql.NpgsqlParameter { Value = device });
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }

        var broken = await Cli.RunAsync("verify", device, "--json");
        Assert.True(broken.ExitCode == ExitCodes.Failure, broken.ToString());
        Assert.False(broken.Json.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task GivenTheLiveStream_WhenAFaultOpensAnIncident_ThenTailPrintsItAsItHappens()
    {
        var device = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Heartbeat(device, 1), default);
        var tail = Cli.RunAsync("tail", "--device", device, "--event", "incident-opened", "--count", "1", "--timeout", "60", "--json");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await System.Agent.PublishAsync(Messages.Fault(device, 2), default);

        var run = await tail;

        Assert.True(run.ExitCode == 0, run.ToString());
        var line = JsonSerializer.Deserialize<JsonElement>(run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single());
        Assert.Equal("incident-opened", line.GetProperty("event").GetString());
        Assert.Equal(device, line.GetProperty("data").GetProperty("deviceId").GetString());
    }

    [Fact]
    public async Task GivenARegisteredSimulatedFleet_WhenSimulateRuns_ThenItsTerminalsReportToTheApi()
    {
        string[] fleet = ["S01-T001", "S01-T002"];
        foreach (var id in fleet)
        {
            await System.RegisterAsync(id);
        }

        var store = Path.Combine(Path.GetTempPath(), $"posops-sim-{Guid.NewGuid():N}.db");
        var run = await Cli.RunAsync(
            "simulate", "--terminals", "2", "--stores", "1", "--duration", "4", "--fault-every", "0", "--heartbeat-every", "1",
            "--rabbitmq", System.Environment.RabbitMqUri, "--",
            $"--Agent:Simulation:FleetSecret={TestAgent.FleetSecret}", $"--Agent:Store:Path={store}", $"--Agent:LocalUrl=http://127.0.0.1:{ClosedPort()}");

        Assert.True(run.ExitCode == 0, run.ToString());
        await Wait.UntilAsync(async () =>
        {
            var devices = await Cli.RunAsync("devices", "--store", "S01", "--json");
            return devices.ExitCode == 0 && fleet.All(id => devices.Json.EnumerateArray().Any(d => d.GetProperty("deviceId").GetString() == id));
        }, TimeSpan.FromSeconds(20), "the simulated terminals in posops devices");
        File.Delete(store);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(global::System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((global::System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
