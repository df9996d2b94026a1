using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>A real HTTP receiver on loopback that records every webhook request it gets.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();
    private int failuresLeft;

    private WebhookReceiver(WebApplication app) => this.app = app;

    public Uri Url => new(app.Urls.First() + "/alerts");

    public IReadOnlyList<ReceivedWebhook> Received => [.. received];

    /// <summary>Answers the next <paramref name="count"/> requests with 503.</summary>
    public void FailNext(int count) => failuresLeft = count;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/alerts", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var failed = Interlocked.Decrement(ref receiver.failuresLeft) >= 0;
            receiver.received.Enqueue(new ReceivedWebhook(body, request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), failed));
            return failed ? Results.StatusCode(503) : Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public async Task<ReceivedWebhook> WaitForAsync(Func<ReceivedWebhook, bool> match, TimeSpan? timeout = null)
    {
        ReceivedWebhook? found = null;
        await Wait.UntilAsync(() => Task.FromResult((found = received.FirstOrDefault(r => !r.Failed && match(r))) is not null), timeout ?? TimeSpan.FromSeconds(30), "webhook");
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

public sealed record ReceivedWebhook(string Body, IReadOnlyDictionary<string, string> Headers, bool Failed)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Field(string name) => Json.GetProperty(name).ToString();
}

public static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}");
            }

            await Task.Delay(50);
        }
    }
}
