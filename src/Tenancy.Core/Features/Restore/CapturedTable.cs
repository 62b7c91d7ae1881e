using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Tenancy.Core.Features.Restore;

/// <summary>
/// A tenant-owned table as the capture triggers see it: its name, key columns besides
/// <c>tenant_id</c> with their store types (<c>uuid</c>, <c>text</c>), and all its columns.
/// </summary>
public sealed record CapturedTable(string Name, IReadOnlyList<string> RowKeyColumns, IReadOnlyList<string> RowKeyTypes, IReadOnlyList<string> Columns)
{
    public const string TenantIdColumn = "tenant_id";

    public static CapturedTable From(IReadOnlyEntityType entity)
    {
        var name = entity.GetTableName() ?? throw new InvalidOperationException($"{entity.DisplayName()} is captured but maps to no table.");
        var table = StoreObjectIdentifier.Table(name, entity.GetSchema());
        string Column(IReadOnlyProperty p) => p.GetColumnName(table) ?? throw new InvalidOperationException($"{entity.DisplayName()}.{p.Name} has no column in {name}.");

        var key = entity.FindPrimaryKey() ?? throw new InvalidOperationException($"{entity.DisplayName()} is captured but has no primary key.");
        var keyColumns = key.Properties.Select(Column).ToList();
        if (!keyColumns.Contains(TenantIdColumn))
        {
            throw new InvalidOperationException($"{name}'s primary key lacks {TenantIdColumn}; a captured table is tenant-owned.");
        }

        var rowKey = key.Properties.Where(p => Column(p) != TenantIdColumn).ToList();
        return new CapturedTable(
            name,
            rowKey.Select(Column).ToList(),
            rowKey.Select(p => p.GetColumnType(table) ?? throw new InvalidOperationException($"{entity.DisplayName()}.{p.Name} has no store type.")).ToList(),
            entity.GetProperties().Select(Column).ToList());
    }
}
