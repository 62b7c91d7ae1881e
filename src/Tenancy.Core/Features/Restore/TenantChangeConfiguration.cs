using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Restore;

/// <summary>
/// The change log's shape differs by provider (decision 0005): on PostgreSQL the key is
/// <c>(tenant_id, changed_at, seq)</c>, which the time partitions and a Citus distribution by
/// tenant both require, with <c>seq</c> an identity column; SQLite has neither, so there
/// <c>seq</c> alone is the key (its rowid) and the same three columns are an index. Applied by
/// hand in <see cref="TenancyDbContext"/> (not an <see cref="IEntityTypeConfiguration{TEntity}"/>,
/// which the assembly scan would find and warn it cannot construct).
/// </summary>
internal sealed class TenantChangeConfiguration(DatabaseProvider provider)
{
    public const string TableName = "tenant_changes";

    public const string HistoryStartIndex = "ix_tenant_changes_history_start";

    private static readonly ValueConverter<TenantChangeOp, string> OpLetter = new(
        op => op == TenantChangeOp.Insert ? "I" : op == TenantChangeOp.Update ? "U" : op == TenantChangeOp.Delete ? "D" : "L",
        letter => letter == "I" ? TenantChangeOp.Insert : letter == "U" ? TenantChangeOp.Update : letter == "D" ? TenantChangeOp.Delete : TenantChangeOp.HistoryStart);

    public void Configure(EntityTypeBuilder<TenantChange> change)
    {
        change.ToTable(TableName);
        change.Property(c => c.TableName).HasMaxLength(63);
        change.Property(c => c.Op).HasConversion(OpLetter).HasMaxLength(1).IsFixedLength();
        change.Property(c => c.Actor).HasMaxLength(200);

        // The history starts (op 'L': a bulk load, capture's installation): a restore window reads
        // the latest of a tenant's without walking its whole history. Few rows, so nearly free to keep.
        change.HasIndex(c => new { c.TenantId, c.ChangedAt }, HistoryStartIndex).HasFilter("op = 'L'");
        if (provider == DatabaseProvider.Postgres)
        {
            change.HasKey(c => new { c.TenantId, c.ChangedAt, c.Seq });
            change.Property(c => c.Seq).UseIdentityAlwaysColumn();
            // json, not jsonb: the triggers build the arrays as text (json_agg), several times
            // cheaper per row than jsonb, and a rewind splits them and compares rows as that text.
            change.Property(c => c.RowKeys).HasColumnType("json");
            change.Property(c => c.Befores).HasColumnType("json");
        }
        else
        {
            change.HasKey(c => c.Seq);
            change.Property(c => c.Seq).ValueGeneratedOnAdd();
            change.HasIndex(c => new { c.TenantId, c.ChangedAt, c.Seq });
        }
    }
}
