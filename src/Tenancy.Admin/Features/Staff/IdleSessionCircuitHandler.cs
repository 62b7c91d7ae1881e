using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;

namespace Tenancy.Admin.Features.Staff;

/// <summary>
/// Ends an idle session inside a live circuit. The cookie's sliding expiry only sees HTTP
/// requests; a circuit talks over its WebSocket, so this handler notes the time of every
/// message from the browser, and the first one after <see cref="StaffAuthOptions.IdleTimeout"/>
/// of silence reloads the page, where the expired cookie sends the user to sign in.
/// (While the user is active, wwwroot/session.js touches <c>/auth/session</c> so the cookie slides.)
/// </summary>
internal sealed class IdleSessionCircuitHandler(
    IOptions<StaffAuthOptions> options,
    TimeProvider clock,
    NavigationManager navigation) : CircuitHandler
{
    private DateTimeOffset _lastActivity = clock.GetUtcNow();

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        context =>
        {
            var now = clock.GetUtcNow();
            var idle = now - _lastActivity;
            _lastActivity = now;
            if (idle > options.Value.IdleTimeout)
            {
                navigation.NavigateTo(SignInErrors.Url(SignInErrors.Idle), forceLoad: true);
                return Task.CompletedTask;
            }

            return next(context);
        };
}
