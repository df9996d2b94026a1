using PosOps.Contracts.Agent;
using PosOps.TerminalAgent.Probes;
using PosOps.TerminalAgent.Terminals;

namespace PosOps.TerminalAgent;

/// <summary>An offline sale as the payment app records it through the local interface.</summary>
public sealed record RecordOfflineTransactionRequest(string DeviceId, string TransactionId, decimal Amount, string Currency, DateTimeOffset TakenAt, string? Reference = null);

/// <summary>
/// The agent's loopback interface for the payment app on the same device: record offline
/// transactions, report component health the OS cannot see, read terminal state.
/// </summary>
public static class LocalApi
{
    public static WebApplication MapLocalApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/api/offline-transactions", RecordAsync).WithSummary("Record a transaction taken offline");
        app.MapGet("/api/terminals", (TerminalFleet fleet) => fleet.Terminals.Select(View)).WithSummary("Hosted terminals: link, faults, notice");
        app.MapPost("/api/terminals/{deviceId}/components", (TerminalFleet fleet, string deviceId, ComponentHealth health) =>
            fleet.Find(deviceId)?.Probes is LinuxProbes probes
                ? Results.Ok(Report(probes, health))
                : Results.Problem($"device {deviceId} is not a real terminal of this agent", statusCode: StatusCodes.Status404NotFound))
            .WithSummary("The payment app reports a component's health");
        return app;
    }

    private static async Task<IResult> RecordAsync(RecordOfflineTransactionRequest request, TerminalFleet fleet, OfflineJournal.OfflineJournal journal, CancellationToken cancellationToken)
    {
        if (fleet.Find(request.DeviceId) is null)
        {
            return Results.Problem($"device {request.DeviceId} is not hosted by this agent", statusCode: StatusCodes.Status404NotFound);
        }

        var refusal = await journal.RecordAsync(request.DeviceId,
            new OfflineTransaction(request.TransactionId, request.Amount, request.Currency, request.TakenAt, request.Reference), cancellationToken);
        return refusal is null
            ? Results.Created($"/api/offline-transactions/{request.TransactionId}", new { request.TransactionId, recorded = true })
            : Results.Problem(refusal.Reason, title: "transaction refused", statusCode: StatusCodes.Status422UnprocessableEntity);
    }

    private static ComponentHealth Report(LinuxProbes probes, ComponentHealth health)
    {
        probes.Report(health);
        return health;
    }

    private static object View(Terminal t) => new
    {
        t.DeviceId,
        t.Identity.StoreId,
        t.Identity.Model,
        t.Identity.Serial,
        Link = t.Link.Active,
        Faults = t.ReportedFaults,
        Notice = t.Notice,
        DisplayLog = t.DisplayLog.TakeLast(20),
    };
}
