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

public static class TenantAccessObservers
{
    /// <summary>Tells every observer, in turn, that <paramref name="tenantId"/>'s access changed (call it once the change is committed).</summary>
    public static async Task NotifyAsync(this IEnumerable<ITenantAccessObserver> observers, Guid tenantId, CancellationToken cancellationToken)
    {
        foreach (var observer in observers)
        {
            await observer.AccessChangedAsync(tenantId, cancellationToken);
        }
    }
}
