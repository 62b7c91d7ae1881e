using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Tenancy.Core.Data;
using Tenancy.Core.Data.Seeding;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Fleet;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Notes;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.Sharding;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core;

public static class TenancyCoreExtensions
{
    /// <summary>
    /// The embedded tenancy backend: database (from <c>Database:Provider</c> and
    /// <c>ConnectionStrings:Tenancy</c>), its start-up (<see cref="DatabaseInitializer"/>) and the
    /// feature services (<see cref="AddTenancyFeatures"/>). Background work is <c>AddTenancyJobs</c>.
    /// </summary>
    public static IHostApplicationBuilder AddTenancyCore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var database = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = builder.Configuration.GetConnectionString("Tenancy");
        builder.Services.AddTenancyDatabase(database.Provider, connectionString, builder.Environment.ContentRootPath);

        builder.Services.AddSingleton<DemoDataSeeder>();
        builder.Services.AddSingleton<DatabaseInitializer>();
        builder.Services.AddTenancyFeatures();
        return builder;
    }

    /// <summary>
    /// The feature services (tenant catalog, audit, quotas, billing, suspensions, the change log's purge, tenant notes) with their
    /// options, without the database, its start-up or background work: what the app registers
    /// through <see cref="AddTenancyCore"/> and the component tests build their services from, so
    /// a wiring mistake fails both. Needs an <see cref="IDbContextFactory{TContext}"/> of
    /// <see cref="TenancyDbContext"/> and <see cref="IConfiguration"/>; takes the registered
    /// <see cref="TimeProvider"/>, or the system clock.
    /// </summary>
    public static IServiceCollection AddTenancyFeatures(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TenantCatalog>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<FleetOverview>();
        services.AddTenancyUsage();
        services.AddTenancyQuotas();
        services.AddTenancySuspensions();
        services.AddTenancyBilling();
        services.AddTenancyRestore();
        services.AddTenancySharding();
        services.AddTenancyNotes();
        return services;
    }

    public static IServiceCollection AddTenancyDatabase(
        this IServiceCollection services, DatabaseProvider provider, string? connectionString, string baseDirectory)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "Database:Provider is Postgres but ConnectionStrings:Tenancy is not set. " +
                    "Set it, for example ConnectionStrings__Tenancy=\"Host=localhost;Database=tenancy;Username=tenancy;Password=...\".");
            }

            services.AddPooledDbContextFactory<PostgresTenancyDbContext>(o => TenancyDatabase.ConfigurePostgres(o, connectionString));
            services.AddSingleton<IDbContextFactory<TenancyDbContext>, TenancyDbContextFactory<PostgresTenancyDbContext>>();
        }
        else
        {
            var sqlite = TenancyDatabase.ResolveSqliteConnectionString(
                string.IsNullOrWhiteSpace(connectionString) ? DatabaseOptions.DefaultSqliteConnectionString : connectionString,
                baseDirectory);
            services.AddPooledDbContextFactory<SqliteTenancyDbContext>(o => TenancyDatabase.ConfigureSqlite(o, sqlite));
            services.AddSingleton<IDbContextFactory<TenancyDbContext>, TenancyDbContextFactory<SqliteTenancyDbContext>>();
        }

        return services;
    }
}
