using Microsoft.AspNetCore.Http.HttpResults;
using PosOps.Contracts.Commands;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Remediation;

namespace PosOps.IncidentService.Api;

public sealed record CommandAccepted(Guid CommandId, string DeviceId, CommandKind Kind, DateTimeOffset ExpiresAt);

public static class CommandsApi
{
    public static IEndpointRouteBuilder MapCommandsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/devices/{id}/commands", SendAsync).WithTags("Devices").WithName("SendCommand")
            .WithSummary("Record a remediation command in the device's stream; it is sent to the agent after commit");
        return app;
    }

    private static async Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> SendAsync(
        string id, SendCommandRequest request, DeviceWriter writer, TimeProvider clock, CancellationToken cancellationToken)
    {
        // Checked before anything is stored: the device id becomes the command's routing key, which AMQP caps
        // at 255 bytes, and a command recorded but never publishable would only be parked.
        if (CommandInput.Problem(id, request) is { } problem)
        {
            return TypedResults.Problem(title: problem, statusCode: StatusCodes.Status400BadRequest);
        }

        if (request.ExpiresInSeconds is < 1 or > 86_400)
        {
            return TypedResults.Problem(title: "expiresInSeconds must be 1-86400", statusCode: StatusCodes.Status400BadRequest);
        }

        if (request.Kind == CommandKind.SwitchNetwork && string.IsNullOrWhiteSpace(request.Network))
        {
            return TypedResults.Problem(title: "switchNetwork needs network (ethernet, wifi, cellular or hotspot)", statusCode: StatusCodes.Status400BadRequest);
        }

        var now = clock.GetUtcNow();
        var command = new IssueRemediationCommand(id, Guid.CreateVersion7(now), request.Kind, request.Network, request.NoticeEn, request.NoticeZh,
            request.IssuedBy, now.AddSeconds(request.ExpiresInSeconds), now);
        await writer.DecideAsync(id, (_, _) => command, cancellationToken);
        return TypedResults.Accepted($"/api/devices/{id}/events", new CommandAccepted(command.CommandId, id, command.Command, command.ExpiresAt));
    }
}
