using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace PosOps.Cli.Api;

/// <summary>
/// The HTTP API as the CLI uses it: base URL and API key from options or environment, JSON in and out,
/// problem details turned into one readable line, and every failure mapped to an exit code.
/// </summary>
public sealed class PosOpsApi : IDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    public const string UrlVariable = "POSOPS_URL";
    public const string KeyVariable = "POSOPS_API_KEY";
    public const string ApiKeyHeader = "X-Api-Key";
    public const string EventCountHeader = "X-PosOps-Event-Count";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient http;

    public PosOpsApi(Uri baseUrl, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        BaseUrl = baseUrl;

        // Streams (tail, export) run as long as they need; ordinary requests get RequestTimeout each.
        http = new HttpClient { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("posops-cli", "1.0"));
        if (!string.IsNullOrWhiteSpace(apiKey))
        {
            http.DefaultRequestHeaders.Add(ApiKeyHeader, apiKey);
        }
    }

    public Uri BaseUrl { get; }

    /// <summary>A path with the query parameters that have a value, escaped.</summary>
    public static string Path(string path, params (string Name, string? Value)[] query)
    {
        ArgumentNullException.ThrowIfNull(path);
        var given = query.Where(q => !string.IsNullOrEmpty(q.Value)).Select(q => $"{Uri.EscapeDataString(q.Name)}={Uri.EscapeDataString(q.Value!)}").ToList();
        return given.Count == 0 ? path : $"{path}?{string.Join('&', given)}";
    }

    public static string Segment(string value) => Uri.EscapeDataString(value);

    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendForJsonAsync(request, cancellationToken);
    }

    public async Task<JsonElement> PostJsonAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: JsonSerializerOptions.Web) };
        return await SendForJsonAsync(request, cancellationToken);
    }

    /// <summary>Sends and returns the response once its headers arrived; the caller reads (and disposes) the body.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, string accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout: null, cancellationToken);
        try
        {
            await EnsureSuccessAsync(response, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<JsonElement> SendForJsonAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, RequestTimeout, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } t)
        {
            limit.CancelAfter(t);
        }

        try
        {
            return await http.SendAsync(request, completion, limit.Token);
        }
        catch (HttpRequestException e)
        {
            throw new ApiException($"cannot reach the PosOps API at {BaseUrl} ({Reason(e)}); check --url or {UrlVariable}", ExitCodes.Unreachable, innerException: e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ApiException($"the PosOps API at {BaseUrl} did not answer within {RequestTimeout.TotalSeconds:0} s", ExitCodes.Unreachable, innerException: e);
        }
    }

    private static string Reason(HttpRequestException e) => e.InnerException switch
    {
        SocketException s => s.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused" : s.Message,
        { } inner => inner.Message,
        null => e.Message,
    };

    private async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var detail = await ProblemTextAsync(response, cancellationToken);
        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new ApiException(
                $"the API refused the credentials (401){detail}; pass --api-key or set {KeyVariable}", ExitCodes.Unreachable, response.StatusCode),
            HttpStatusCode.Forbidden => new ApiException(
                $"this API key may not do that (403){detail}", ExitCodes.Unreachable, response.StatusCode),
            HttpStatusCode.NotFound => new ApiException($"not found (404){detail}", ExitCodes.Failure, response.StatusCode),
            _ => new ApiException($"the API answered {(int)response.StatusCode} {response.ReasonPhrase}{detail}", ExitCodes.Failure, response.StatusCode),
        };
    }

    /// <summary>": title: detail" from RFC 9457 problem details, or the start of a plain body.</summary>
    private static async Task<string> ProblemTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            return "";
        }

        if (string.IsNullOrWhiteSpace(body))
        {
            return "";
        }

        try
        {
            var problem = JsonSerializer.Deserialize<JsonElement>(body);
            var parts = new[] { "title", "detail" }
                .Select(name => problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null)
                .Where(p => !string.IsNullOrWhiteSpace(p))
                .Distinct(StringComparer.Ordinal)
                .ToList();
            return parts.Count == 0 ? "" : ": " + string.Join(": ", parts);
        }
        catch (JsonException) when (body.StartsWith("Status Code:", StringComparison.Ordinal))
        {
            // ASP.NET Core's plain status page repeats what the message already says.
            return "";
        }
        catch (JsonException)
        {
            var text = new StringBuilder(body.Trim());
            return ": " + (text.Length > 200 ? text.ToString(0, 200) + "..." : text.ToString());
        }
    }

    public void Dispose() => http.Dispose();
}
