using Microsoft.Extensions.DependencyInjection;

namespace Tenancy.Core.Features.Notes;

public static class NotesServiceCollectionExtensions
{
    /// <summary>Tenant notes: <see cref="TenantNoteService"/>. Needs the tenancy database, <see cref="Audit.AuditLog"/> and a <see cref="TimeProvider"/>.</summary>
    public static IServiceCollection AddTenancyNotes(this IServiceCollection services)
    {
        services.AddSingleton<TenantNoteService>();
        return services;
    }
}
