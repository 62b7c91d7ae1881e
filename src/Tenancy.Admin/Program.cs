using Tenancy.Admin;
using Tenancy.Admin.Features.Audit;
using Tenancy.Admin.Features.Billing;
using Tenancy.Admin.Features.Health;
using Tenancy.Admin.Features.Staff;
using Tenancy.Admin.Features.Tenants;
using Tenancy.Admin.Features.Usage;
using Tenancy.Core;
using Tenancy.Core.Data;

if (SeedCommand.IsInvoked(args))
{
    return await SeedCommand.RunAsync(args);
}

if (DistributeCommand.IsInvoked(args))
{
    return await DistributeCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
var role = HostRole.From(builder.Configuration);
builder.AddTenancyCore();
if (role.ServesWeb)
{
    builder.AddStaffAuthentication();
    builder.AddAdminPortal();
    builder.AddBillingWebhooks();
    builder.AddUsageIngestApi();
}

if (role.RunsWorkers)
{
    builder.AddTenancyJobs();
}

var app = builder.Build();
await app.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync();

app.MapHealthEndpoints();
if (role.ServesWeb)
{
    app.UseAdminPortal();
    app.MapStaffAuthentication();
    app.MapStripeWebhooks();
    app.MapUsageIngestApi();
    app.MapAuditExport();
    app.MapTenantExport();
    app.MapUsageExport();
}

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in the end-to-end tests.</summary>
public partial class Program;
