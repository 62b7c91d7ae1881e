using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Tenancy.Core.Features.TenantData;

/// <summary>
/// The one place that says which tables hold tenant data (and so are rewound by a per-tenant
/// restore): every entity type implementing <see cref="ITenantOwned"/>.
/// </summary>
public static class TenantDataTables
{
    public static IReadOnlyList<IEntityType> From(IModel model) =>
        model.GetEntityTypes()
            .Where(e => typeof(ITenantOwned).IsAssignableFrom(e.ClrType))
            .OrderBy(e => e.GetTableName(), StringComparer.Ordinal)
            .ToList();
}
