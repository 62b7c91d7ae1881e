namespace Tenancy.Core.Features.TenantData;

/// <summary>
/// Marks data that a tenant's own users create in the product. Such a table has a
/// <c>tenant_id</c> column that leads its primary key and every unique index, and its foreign
/// keys to other tenant-owned tables are composite with <c>tenant_id</c> (Citus-ready).
/// These are the tables a per-tenant point-in-time restore rewinds; see <see cref="TenantDataTables"/>.
/// </summary>
public interface ITenantOwned
{
    Guid TenantId { get; }
}
