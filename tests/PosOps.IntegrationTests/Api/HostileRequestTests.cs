using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PosOps.IntegrationTests.Api;

/// <summary>
/// The hostile requests an independent client sent: each is answered with a problem details 4xx naming its
/// documented limit, never a 500, and nothing is stored for it.
/// </summary>
public sealed class HostileRequestTests(TestServers servers) : SystemTest(servers)
{
    private const string OpsKey = "ops-key-hostile-requests-0123";

    protected override bool WithNotifications => false;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Auth:ApiKeys:0:Name"] = "olivia",
        ["Auth:ApiKeys:0:Key"] = OpsKey,
        ["Auth:ApiKeys:0:Role"] = "ops",
    };

    private sealed record Case(string Method, string Path, string? Json, HttpStatusCode Status, string Title);

    [Fact]
    public async Task GivenHostileQueriesAndBodies_ThenEachIsAProblemDetails4xxNamingTheLimit()
    {
        var device = Messages.NewDeviceId();
        await System.RegisterAsync(device);
        var incident = Guid.NewGuid();
        var huge = new string('x', 2 * 1024 * 1024);
        Case[] cases =
        [
            new("GET", "/api/incidents?storeId=S01%00", null, HttpStatusCode.BadRequest, "storeId must not contain control characters"),
            new("GET", "/api/incidents?deviceId=S01-T1%00", null, HttpStatusCode.BadRequest, "deviceId must not contain control characters"),
            new("GET", "/api/incidents?storeId=S01%27%20or%201%3D1", null, HttpStatusCode.BadRequest, "storeId must be 1-64 letters"),
            new("GET", "/api/incidents?store=" + new string('S', 2000), null, HttpStatusCode.BadRequest, "store must be at most 1024 characters"),
            new("GET", "/api/incidents?limit=lots", null, HttpStatusCode.BadRequest, ""),
            new("GET", "/api/devices?storeId=%00", null, HttpStatusCode.BadRequest, "storeId must not contain control characters"),
            new("GET", $"/api/devices/{device}/events?type=fault_detected%00", null, HttpStatusCode.BadRequest, "type must not contain control characters"),
            new("GET", $"/api/devices/{device}/events?from=yesterday", null, HttpStatusCode.BadRequest, ""),
            new("GET", "/api/devices/S01%20T1", null, HttpStatusCode.BadRequest, "id must be 1-64 letters"),
            new("GET", "/api/stats/response-times?storeId=S01%00", null, HttpStatusCode.BadRequest, "storeId must not contain control characters"),
            new("POST", $"/api/devices/{device}/commands", """{"kind":5}""", HttpStatusCode.BadRequest, ""),
            new("POST", $"/api/devices/{device}/commands", """{"kind":"switchNetwork","network":"moon"}""", HttpStatusCode.BadRequest, "network must be ethernet, wifi, cellular or hotspot"),
            new("POST", $"/api/devices/{device}/commands", """{"kind":"restart","noticeEn":"\ud800"}""", HttpStatusCode.BadRequest, ""),
            new("POST", $"/api/devices/{device}/commands", """{"kind":"showCustomerNotice","noticeEn":"a\u0000b"}""", HttpStatusCode.BadRequest, "noticeEn must not contain NUL characters"),
            new("POST", $"/api/devices/{device}/commands", JsonSerializer.Serialize(new { kind = "showCustomerNotice", noticeEn = huge }), HttpStatusCode.RequestEntityTooLarge, "the request body must be at most 65536 bytes"),
            new("POST", "/api/devices/NOPE-T999/commands", """{"kind":"restart"}""", HttpStatusCode.NotFound, "device 'NOPE-T999' is not in the device registry"),
            new("POST", $"/api/incidents/{incident}/mitigate", JsonSerializer.Serialize(new { workaround = new string('w', 5 * 1024 * 1024) }), HttpStatusCode.RequestEntityTooLarge, "the request body must be at most 65536 bytes"),
            new("POST", $"/api/incidents/{incident}/mitigate", JsonSerializer.Serialize(new { workaround = new string('w', 3000) }), HttpStatusCode.BadRequest, "workaround must be at most 2000 characters, got 3000"),
            new("POST", $"/api/incidents/{incident}/mitigate", """{"workaround":"swap\u0000"}""", HttpStatusCode.BadRequest, "workaround must not contain NUL characters"),
            new("POST", $"/api/incidents/{incident}/mitigate", """{"workaround":" "}""", HttpStatusCode.BadRequest, "workaround is required"),
            new("POST", $"/api/incidents/{incident}/resolve", JsonSerializer.Serialize(new { note = new string('n', 8 * 1024 * 1024) }), HttpStatusCode.RequestEntityTooLarge, "the request body must be at most 65536 bytes"),
            new("POST", $"/api/incidents/{incident}/steps/check-paper/complete", JsonSerializer.Serialize(new { note = new string('n', 2001) }), HttpStatusCode.BadRequest, "note must be at most 2000 characters"),
            new("POST", $"/api/incidents/{incident}/acknowledge", "{\"note\": oops", HttpStatusCode.BadRequest, ""),
        ];

        foreach (var c in cases)
        {
            using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path);
            if (c.Json is not null)
            {
                request.Content = new StringContent(c.Json, Encoding.UTF8, "application/json");
            }

            using var response = await System.Api.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == c.Status, $"{c.Method} {Shorten(c.Path)}: {(int)response.StatusCode} {Shorten(body)}, expected {(int)c.Status}");
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{c.Method} {Shorten(c.Path)}: not problem details: {Shorten(body)}");
            Assert.Contains(c.Title, JsonDocument.Parse(body).RootElement.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        // A NUL in the path never reaches the app: Kestrel answers a bare 400 itself.
        Assert.Equal(HttpStatusCode.BadRequest, (await System.Api.GetAsync("/api/devices/S01%00T1/events")).StatusCode);

        // Nothing was recorded for any of them: no stream for the unregistered device, none for the registered one.
        Assert.Equal(HttpStatusCode.NotFound, (await System.Api.GetAsync("/api/devices/NOPE-T999/events")).StatusCode);
        Assert.Empty(await System.EventsAsync(device));
    }

    [Fact]
    public async Task GivenABodyOverTheLimitWithoutALength_WhenSentChunked_ThenItIsCutOffAs413()
    {
        var note = new MemoryStream(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { note = new string('n', 200_000) })));
        using var content = new StreamContent(note);
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/incidents/{Guid.NewGuid()}/resolve") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await System.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task GivenACommandNamingAnotherIssuer_ThenTheActorRecordedIsTheAuthenticatedCaller()
    {
        var device = Messages.NewDeviceId();
        await System.RegisterAsync(device);
        using var ops = new HttpClient { BaseAddress = System.Api.BaseAddress };
        ops.DefaultRequestHeaders.Add("X-Api-Key", OpsKey);

        var response = await ops.PostAsJsonAsync($"/api/devices/{device}/commands", new { kind = "selfTest", issuedBy = "mallory" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var issued = Assert.Single(await System.EventsAsync(device), e => e.GetProperty("type").GetString() == "command_issued");
        Assert.Equal("olivia", issued.GetProperty("data").GetProperty("issuedBy").GetString());
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
