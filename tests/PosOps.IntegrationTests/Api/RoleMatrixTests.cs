using System.Net;
using System.Net.Http.Json;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PosOps.IntegrationTests.Api;

/// <summary>Every endpoint × every role → the expected 200/401/403/404; an auditor gets 403 on every write.</summary>
public sealed class RoleMatrixTests(TestServers servers) : SystemTest(servers)
{
    private const string OpsKey = "ops-key-for-store-S01-only";
    private const string AuditorKey = "auditor-key-0123456789";
    private const string SigningKey = "jwt-signing-key-that-is-32-bytes-or-more";

    protected override bool WithNotifications => false;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Auth:ApiKeys:0:Name"] = "olivia",
        ["Auth:ApiKeys:0:Key"] = OpsKey,
        ["Auth:ApiKeys:0:Role"] = "ops",
        ["Auth:ApiKeys:0:Stores:0"] = "S01",
        ["Auth:ApiKeys:1:Name"] = "audrey",
        ["Auth:ApiKeys:1:Key"] = AuditorKey,
        ["Auth:ApiKeys:1:Role"] = "auditor",
        ["Auth:Jwt:SigningKey"] = SigningKey,
    };

    private enum Role
    {
        Anonymous,
        WrongKey,
        Ops,
        Auditor,
        Admin,
    }

    /// <summary>Any status that means "allowed in": the action itself may still say 409 (wrong state).</summary>
    private const HttpStatusCode Allowed = 0;

    private sealed record Case(string Method, string Path, object? Body, Dictionary<Role, HttpStatusCode> Expected);

    [Fact]
    public async Task GivenEveryEndpoint_WhenCalledInEveryRole_ThenEachGetsTheExpectedStatus_AsProblemDetails()
    {
        var (inside, outside) = (Messages.NewDeviceId("S01"), Messages.NewDeviceId("S02"));
        var (insideIncident, outsideIncident) = (await IncidentOnAsync(inside), await IncidentOnAsync(outside));
        var at = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture));

        // read: every role; outside the ops user's stores: 404
        Dictionary<Role, HttpStatusCode> Read(bool outsideScope = false) => Expect(HttpStatusCode.OK, HttpStatusCode.OK, outsideScope ? HttpStatusCode.NotFound : HttpStatusCode.OK);
        // export/verify: auditors and admins
        Dictionary<Role, HttpStatusCode> Audit() => Expect(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden);
        // writes: ops (in scope) and admins; never auditors
        Dictionary<Role, HttpStatusCode> Write(bool outsideScope = false, HttpStatusCode ok = Allowed) => Expect(ok, HttpStatusCode.Forbidden, outsideScope ? HttpStatusCode.NotFound : ok);

        List<Case> cases =
        [
            new("GET", "/api/devices", null, Read()),
            new("GET", "/api/devices?store=S02", null, Read()),
            .. new[] { (inside, false), (outside, true) }.SelectMany(d => new Case[]
            {
                new("GET", $"/api/devices/{d.Item1}", null, Read(d.Item2)),
                new("GET", $"/api/devices/{d.Item1}/events", null, Read(d.Item2)),
                new("GET", $"/api/devices/{d.Item1}/events?type=incident_opened&limit=1", null, Read(d.Item2)),
                new("GET", $"/api/devices/{d.Item1}/state?at={at}", null, Read(d.Item2)),
                new("GET", $"/api/devices/{d.Item1}/export?format=csv", null, Audit()),
                new("GET", $"/api/devices/{d.Item1}/verify", null, Audit()),
                new("POST", $"/api/devices/{d.Item1}/commands", new { kind = "selfTest" }, Write(d.Item2, HttpStatusCode.Accepted)),
            }),
            new("GET", "/api/stores/S01/export?format=json", null, Audit()),
            new("GET", "/api/incidents", null, Read()),
            new("GET", "/api/stats", null, Read()),
            new("GET", "/api/stream", null, Read()),
            .. new[] { (insideIncident, false), (outsideIncident, true) }.SelectMany(i => new Case[]
            {
                new("GET", $"/api/incidents/{i.Item1}", null, Read(i.Item2)),
                new("POST", $"/api/incidents/{i.Item1}/acknowledge", new { note = "on it" }, Write(i.Item2)),
                new("POST", $"/api/incidents/{i.Item1}/mitigate", new { workaround = "backup terminal" }, Write(i.Item2)),
                new("POST", $"/api/incidents/{i.Item1}/resolve", new { note = "fixed" }, Write(i.Item2)),
                new("POST", $"/api/incidents/{i.Item1}/close", new { }, Write(i.Item2)),
            }),
            new("GET", $"/api/devices/S01-T000000/events", null, Expect(HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound)),
            new("GET", $"/api/incidents/{Guid.NewGuid()}", null, Expect(HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound)),
            .. new[] { "/health/live", "/health/ready", "/metrics", "/openapi/v1.json", "/scalar" }
                .Select(p => new Case("GET", p, null, Enum.GetValues<Role>().ToDictionary(r => r, _ => HttpStatusCode.OK))),
        ];

        var wrong = new List<string>();
        foreach (var c in cases)
        {
            foreach (var (role, expected) in c.Expected)
            {
                using var response = await SendAsync(role, c);
                var allowedIn = expected == Allowed && response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound) && (int)response.StatusCode < 500;
                if (!allowedIn && response.StatusCode != expected)
                {
                    wrong.Add($"{c.Method} {c.Path} as {role}: {(int)response.StatusCode}, expected {(expected == Allowed ? "allowed" : ((int)expected).ToString(CultureInfo.InvariantCulture))}");
                }
                else if ((int)response.StatusCode >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    wrong.Add($"{c.Method} {c.Path} as {role}: {(int)response.StatusCode} is not a problem details document");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));

        // The ops user's actions are recorded under the ops user's name, not a name in the body.
        var acknowledged = (await System.GetJsonAsync($"/api/devices/{inside}/events?type=incident_acknowledged")).GetProperty("events")[0];
        Assert.Equal("olivia", acknowledged.GetProperty("actor").GetString());
        // Scope also filters lists.
        var listed = await SendAsync(Role.Ops, new Case("GET", "/api/incidents", null, []));
        Assert.All((await listed.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray(), i => Assert.Equal("S01", i.GetProperty("storeId").GetString()));
    }

    [Fact]
    public async Task GivenBearerTokens_WhenSignedWithTheConfiguredKey_ThenRoleAndStoresComeFromTheClaims_AndForgedOrExpiredOnesAreRefused()
    {
        var (inside, outside) = (Messages.NewDeviceId("S01"), Messages.NewDeviceId("S02"));
        await IncidentOnAsync(inside);
        await IncidentOnAsync(outside);

        var auditor = Token(SigningKey, "auditor", "kim", null, DateTime.UtcNow.AddMinutes(5));
        var ops = Token(SigningKey, "ops", "sam", "S01", DateTime.UtcNow.AddMinutes(5));
        Assert.Equal(HttpStatusCode.OK, await BearerAsync(auditor, $"/api/devices/{outside}/verify"));
        Assert.Equal(HttpStatusCode.Forbidden, await BearerAsync(ops, $"/api/devices/{inside}/verify"));
        Assert.Equal(HttpStatusCode.OK, await BearerAsync(ops, $"/api/devices/{inside}/events"));
        Assert.Equal(HttpStatusCode.NotFound, await BearerAsync(ops, $"/api/devices/{outside}/events"));
        Assert.Equal(HttpStatusCode.Unauthorized, await BearerAsync(Token("some-other-key-that-is-32-bytes-long!!", "admin", "mallory", null, DateTime.UtcNow.AddMinutes(5)), "/api/incidents"));
        Assert.Equal(HttpStatusCode.Unauthorized, await BearerAsync(Token(SigningKey, "admin", "late", null, DateTime.UtcNow.AddMinutes(-5)), "/api/incidents"));
    }

    private static Dictionary<Role, HttpStatusCode> Expect(HttpStatusCode admin, HttpStatusCode auditor, HttpStatusCode ops) => new()
    {
        [Role.Anonymous] = HttpStatusCode.Unauthorized,
        [Role.WrongKey] = HttpStatusCode.Unauthorized,
        [Role.Ops] = ops,
        [Role.Auditor] = auditor,
        [Role.Admin] = admin,
    };

    private async Task<string> IncidentOnAsync(string device)
    {
        await System.Agent.PublishAsync(Messages.Heartbeat(device, 1), default);
        await System.Agent.PublishAsync(Messages.Fault(device, 2), default);
        await Wait.UntilAsync(async () => (await System.GetJsonAsync($"/api/incidents?device={device}")).GetArrayLength() == 1
            && (await System.Api.GetAsync($"/api/devices/{device}")).IsSuccessStatusCode, TimeSpan.FromSeconds(30), $"an incident on {device}");
        return (await System.GetJsonAsync($"/api/incidents?device={device}"))[0].GetProperty("id").GetString()!;
    }

    private async Task<HttpResponseMessage> SendAsync(Role role, Case c)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), new Uri(System.Api.BaseAddress!, c.Path));
        if (c.Body is not null)
        {
            request.Content = JsonContent.Create(c.Body);
        }

        var key = role switch
        {
            Role.WrongKey => "not-a-key-anyone-was-given",
            Role.Ops => OpsKey,
            Role.Auditor => AuditorKey,
            Role.Admin => RunningSystem.AdminKey,
            _ => null,
        };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var http = new HttpClient();
        // Headers only: /api/stream never ends.
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private async Task<HttpStatusCode> BearerAsync(string token, string path)
    {
        using var http = new HttpClient { BaseAddress = System.Api.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await http.GetAsync(path);
        return response.StatusCode;
    }

    private static string Token(string key, string role, string subject, string? stores, DateTime expires)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["role"] = role };
        if (stores is not null)
        {
            claims["stores"] = stores;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            NotBefore = expires.AddMinutes(-10),
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }
}
