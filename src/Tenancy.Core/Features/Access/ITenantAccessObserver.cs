namespace Tenancy.Core.Features.Access;

/// <summary>
/// Told when a tenant's access changed on this instance (a staff suspension or resume, once
/// committed), so what it caches about the tenant is re-read now rather than at its next
/// refresh. The quota enforcer is one; a feature that changes access calls every registered one.
/// </summary>
public interface ITenantAccessObserver
{
    Task AccessChangedAsync(Guid tenantId, CancellationToken cancellationToken);
}
