using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

// A webhook receiver for local runs: prints every alert NotificationService delivers, and checks the
// signature when POSOPS_WEBHOOK_SECRET is set. ./run.sh points the webhook channel here.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders();
var app = builder.Build();
var secret = Environment.GetEnvironmentVariable("POSOPS_WEBHOOK_SECRET");
var count = 0;

app.MapGet("/health", () => Results.Ok("alert sink ready"));
app.MapPost("/alerts", async (HttpRequest request) =>
{
    using var buffer = new MemoryStream();
    await request.Body.CopyToAsync(buffer);
    var body = buffer.ToArray();
    var verdict = "unsigned";
    if (!string.IsNullOrEmpty(secret))
    {
        var timestamp = request.Headers["X-PosOps-Timestamp"].ToString();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.UTF8.GetBytes(timestamp + "."), .. body]));
        verdict = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(request.Headers["X-PosOps-Signature"].ToString())) ? "signature ok" : "BAD SIGNATURE";
    }

    using var json = JsonDocument.Parse(body);
    var root = json.RootElement;
    string Field(string name) => root.TryGetProperty(name, out var v) ? v.ToString() : "-";
    var n = Interlocked.Increment(ref count);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{DateTimeOffset.Now:HH:mm:ss} ALERT #{n} {Field("kind"),-17} {Field("text")} [incident {Field("incidentId")}, {verdict}]"));
    if (root.TryGetProperty("ackUrl", out var ack))
    {
        Console.WriteLine($"           acknowledge: {ack}");
    }
    return Results.Ok();
});

await app.RunAsync();
