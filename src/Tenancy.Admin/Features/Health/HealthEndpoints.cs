using Tenancy.Core.Data;

namespace Tenancy.Admin.Features.Health;

public static class HealthEndpoints
{
    /// <summary>
    /// <c>/healthz</c>: the process is up. <c>/readyz</c>: the database answers and is fully
    /// migrated (503 otherwise), for load balancers and orchestrators.
    /// </summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous();
        app.MapGet("/readyz", async (DatabaseInitializer database, CancellationToken cancellationToken) =>
                await database.IsReadyAsync(cancellationToken)
                    ? Results.Text("ready")
                    : Results.Text("database unreachable or not migrated", statusCode: StatusCodes.Status503ServiceUnavailable))
            .AllowAnonymous();
        return app;
    }
}
