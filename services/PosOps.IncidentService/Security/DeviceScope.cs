using System.Security.Claims;
using Marten;
using PosOps.IncidentService.Liveness;
using PosOps.IncidentService.Registry;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Security;

/// <summary>Which store a device (or a store/platform stream) belongs to, for store-scoped users.</summary>
public sealed class DeviceScope(IDocumentStore store, DeviceLivenessQueries liveness)
{
    public async Task<string?> StoreOfAsync(string streamId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        if (streamId.StartsWith(StreamIds.StorePrefix, StringComparison.Ordinal))
        {
            return streamId[StreamIds.StorePrefix.Length..];
        }

        await using var session = store.QuerySession();
        if (await session.LoadAsync<DeviceRegistration>(streamId, cancellationToken) is { } registration)
        {
            return registration.StoreId;
        }

        return (await liveness.FindAsync(streamId, cancellationToken))?.StoreId;
    }

    /// <summary>Unscoped users see everything; scoped users only streams of their stores (unknown ones are hidden too).</summary>
    public async Task<bool> VisibleAsync(ClaimsPrincipal user, string streamId, CancellationToken cancellationToken) =>
        StoreScope.Of(user) is null || user.Allows(await StoreOfAsync(streamId, cancellationToken));
}

/// <summary>404 for a device route (<c>{id}</c>) outside the caller's stores: existence is not revealed.</summary>
public sealed class DeviceScopeFilter(DeviceScope scope) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (http.Request.RouteValues.TryGetValue("id", out var id) && id is string deviceId
            && !await scope.VisibleAsync(http.User, deviceId, http.RequestAborted))
        {
            return TypedResults.NotFound();
        }

        return await next(context);
    }
}
