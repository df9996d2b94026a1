using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using PosOps.Contracts.Commands;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Registry;
using PosOps.IncidentService.Remediation;
using PosOps.IncidentService.Security;

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
        string id, SendCommandRequest request, DeviceWriter writer, IQuerySession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken cancellationToken)
    {
        // Checked before anything is stored: the device id becomes the command's routing key, which AMQP caps
        // at 255 bytes, and a command recorded but never publishable would only be parked.
        if (CommandInput.Problem(id, request) is { } problem)
        {
            return TypedResults.Problem(title: problem, statusCode: StatusCodes.Status400BadRequest);
        }

        // Only a registered device has a key to check its answer with; anything else would just create a stream.
        if (await session.LoadAsync<DeviceRegistration>(id, cancellationToken) is null)
        {
            return TypedResults.Problem(title: $"device '{id}' is not in the device registry", statusCode: StatusCodes.Status404NotFound);
        }

        var now = clock.GetUtcNow();
        var command = new IssueRemediationCommand(id, Guid.CreateVersion7(now), request.Kind, request.Network, request.NoticeEn, request.NoticeZh,
            user.Actor(), now.AddSeconds(request.ExpiresInSeconds), now);
        await writer.DecideAsync(id, (_, _) => command, cancellationToken);
        return TypedResults.Accepted($"/api/devices/{id}/events", new CommandAccepted(command.CommandId, id, command.Command, command.ExpiresAt));
    }
}
