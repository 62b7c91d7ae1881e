using Tenancy.Admin;
using Tenancy.Admin.Features.Health;
using Tenancy.Admin.Features.Staff;
using Tenancy.Core;
using Tenancy.Core.Data;

if (SeedCommand.IsInvoked(args))
{
    return await SeedCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddTenancyCore();
builder.AddStaffAuthentication();
builder.AddAdminPortal();

var app = builder.Build();
await app.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync();

app.UseAdminPortal();
app.MapHealthEndpoints();
app.MapStaffAuthentication();

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in the end-to-end tests.</summary>
public partial class Program;
