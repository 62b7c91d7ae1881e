using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Tenancy.Core.Features.TenantData;

namespace Tenancy.Core.Tests.Infrastructure;

public enum CitusRule
{
    /// <summary>A tenant-owned table has a <c>tenant_id</c> column.</summary>
    TenantIdColumn,

    /// <summary>Its primary key includes <c>tenant_id</c>.</summary>
    PrimaryKey,

    /// <summary>Each of its unique constraints and unique indexes includes <c>tenant_id</c>.</summary>
    Unique,

    /// <summary>A foreign key between two tenant-owned tables pairs <c>tenant_id</c> with <c>tenant_id</c>.</summary>
    ForeignKeyWithTenantId,

    /// <summary>
    /// No ON DELETE SET NULL on a foreign key of or to a tenant-owned table. (EF models cannot say
    /// SET DEFAULT or ON UPDATE CASCADE; PostgresSchemaShould checks the created schema for those.)
    /// </summary>
    NoSetNullOnDelete,

    /// <summary>Tables that are not tenant data (reference tables such as plans, the catalog) never point at tenant data.</summary>
    NoReferenceToTenantData,
}

public sealed record CitusViolation(CitusRule Rule, string Table, string Detail)
{
    public override string ToString() => $"{Rule}: {Table}: {Detail}";
}

/// <summary>
/// The schema rules a distributed PostgreSQL (Citus, distributed by <c>tenant_id</c>) imposes,
/// checked over an EF model (DESIGN.md, "Ready for a distributed PostgreSQL"). Tenant-owned
/// tables are the entity types implementing <see cref="ITenantOwned"/>.
/// </summary>
public static class CitusRules
{
    public const string TenantIdColumn = "tenant_id";

    public static IReadOnlyList<CitusViolation> Check(IModel model)
    {
        var violations = new List<CitusViolation>();
        foreach (var entity in model.GetEntityTypes())
        {
            var table = entity.GetTableName();
            if (table is null)
            {
                continue;
            }

            if (!IsTenantOwned(entity))
            {
                foreach (var fk in entity.GetForeignKeys().Where(fk => IsTenantOwned(fk.PrincipalEntityType)))
                {
                    violations.Add(new(CitusRule.NoReferenceToTenantData, table,
                        $"foreign key ({Columns(fk.Properties)}) points at tenant data in {fk.PrincipalEntityType.GetTableName()}"));
                }

                continue;
            }

            var tenantId = TenantIdOf(entity);
            if (tenantId is null)
            {
                violations.Add(new(CitusRule.TenantIdColumn, table, $"no {TenantIdColumn} column"));
            }

            foreach (var key in entity.GetKeys().Where(k => tenantId is null || !k.Properties.Contains(tenantId)))
            {
                var rule = key.IsPrimaryKey() ? CitusRule.PrimaryKey : CitusRule.Unique;
                violations.Add(new(rule, table, $"{(key.IsPrimaryKey() ? "primary key" : "unique constraint")} ({Columns(key.Properties)}) lacks {TenantIdColumn}"));
            }

            foreach (var index in entity.GetIndexes().Where(i => i.IsUnique && (tenantId is null || !i.Properties.Contains(tenantId))))
            {
                violations.Add(new(CitusRule.Unique, table, $"unique index ({Columns(index.Properties)}) lacks {TenantIdColumn}"));
            }

            foreach (var fk in entity.GetForeignKeys())
            {
                if (fk.DeleteBehavior == DeleteBehavior.SetNull)
                {
                    violations.Add(new(CitusRule.NoSetNullOnDelete, table,
                        $"foreign key ({Columns(fk.Properties)}) to {fk.PrincipalEntityType.GetTableName()} is ON DELETE {fk.DeleteBehavior}"));
                }

                if (!IsTenantOwned(fk.PrincipalEntityType))
                {
                    continue;
                }

                var position = tenantId is null ? -1 : fk.Properties.ToList().IndexOf(tenantId);
                if (position < 0 || fk.PrincipalKey.Properties[position] != TenantIdOf(fk.PrincipalEntityType))
                {
                    violations.Add(new(CitusRule.ForeignKeyWithTenantId, table,
                        $"foreign key ({Columns(fk.Properties)}) -> {fk.PrincipalEntityType.GetTableName()} ({Columns(fk.PrincipalKey.Properties)}) does not pair {TenantIdColumn} with {TenantIdColumn}"));
                }
            }

            foreach (var fk in entity.GetReferencingForeignKeys().Where(fk => !IsTenantOwned(fk.DeclaringEntityType)
                && fk.DeleteBehavior == DeleteBehavior.SetNull))
            {
                violations.Add(new(CitusRule.NoSetNullOnDelete, table,
                    $"foreign key from {fk.DeclaringEntityType.GetTableName()} ({Columns(fk.Properties)}) is ON DELETE {fk.DeleteBehavior}"));
            }
        }

        return violations;
    }

    public static bool IsTenantOwned(IReadOnlyTypeBase entity) => typeof(ITenantOwned).IsAssignableFrom(entity.ClrType);

    private static IProperty? TenantIdOf(IEntityType entity)
    {
        var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        return entity.GetProperties().FirstOrDefault(p => p.GetColumnName(store) == TenantIdColumn);
    }

    private static string Columns(IEnumerable<IProperty> properties) =>
        string.Join(", ", properties.Select(p => p.GetColumnName(StoreObjectIdentifier.Table(p.DeclaringType.GetTableName()!, p.DeclaringType.GetSchema())) ?? p.Name));
}
