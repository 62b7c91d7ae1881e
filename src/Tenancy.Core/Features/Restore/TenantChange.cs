using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Tenancy.Core.Features.Restore;

/// <summary>
/// One captured statement's writes to one tenant's rows of one table: the change log a
/// per-tenant restore undoes (decision 0005). Rows are written only by the capture triggers
/// (<see cref="ChangeCaptureSql"/>), never by EF, and the log is control plane: a restore appends
/// to it and never rewinds it. A statement that writes many rows is logged as a few entries of up
/// to <see cref="ChangeCaptureSql.RowsPerEntry"/> rows each (on PostgreSQL; SQLite's row triggers
/// log one row per entry); <see cref="Rows"/> lists them one by one.
/// </summary>
public sealed class TenantChange
{
    public Guid TenantId { get; init; }

    /// <summary>When the writing transaction started (PostgreSQL's <c>now()</c>), so one transaction is never split by a restore point.</summary>
    public DateTime ChangedAt { get; init; }

    /// <summary>Order of the entries: two changes of one row always have increasing values (the row lock serialises their writers; one statement changes a row at most once).</summary>
    public long Seq { get; init; }

    /// <summary>The logical table (<c>project_items</c>), never a Citus shard name.</summary>
    public required string TableName { get; init; }

    public TenantChangeOp Op { get; init; }

    /// <summary>How many rows the entry holds (0 for a history start).</summary>
    public int RowCount { get; init; }

    /// <summary>
    /// The rows' key columns other than <c>tenant_id</c>, a JSON array of objects (<c>[{"id": "…"}]</c>),
    /// for an insert; empty (<c>[]</c>) for an update or a delete on PostgreSQL, whose before-images
    /// hold the keys (<see cref="ChangeCaptureSql.KeysInImages"/>).
    /// </summary>
    public required string RowKeys { get; init; }

    /// <summary>The whole rows before the change, a JSON array (in the order of <see cref="RowKeys"/> where it lists them); null for inserts.</summary>
    public string? Befores { get; init; }

    /// <summary>The writing transaction (PostgreSQL); null on SQLite, whose single writer keeps a transaction's changes contiguous in <see cref="Seq"/>.</summary>
    public long? TransactionId { get; init; }

    /// <summary>Who wrote, when the writer set <c>SET LOCAL tenancy.actor = '…'</c> (PostgreSQL).</summary>
    public string? Actor { get; init; }

    /// <summary>
    /// The entry's rows one by one, each with its key and before-image as JSON objects; a key the
    /// entry does not list is read from the before-image with the table's key columns in <paramref name="model"/>.
    /// </summary>
    public IReadOnlyList<TenantChangeRow> Rows(IReadOnlyModel model)
    {
        using var keys = JsonDocument.Parse(RowKeys);
        using var befores = Befores is null ? null : JsonDocument.Parse(Befores);
        var images = befores?.RootElement.EnumerateArray().ToList() ?? [];
        var listed = keys.RootElement.EnumerateArray().Select(k => k.GetRawText()).ToList();
        if (listed.Count == 0 && images.Count > 0)
        {
            var keyColumns = ChangeCaptureSql.Tables(model).Single(t => t.Name == TableName).RowKeyColumns;
            listed = images.Select(image => KeyOf(image, keyColumns)).ToList();
        }

        return listed
            .Select((key, i) => new TenantChangeRow(TenantId, TableName, Op, key, images.Count > 0 ? images[i].GetRawText() : null, ChangedAt, Seq, TransactionId, Actor))
            .ToList();
    }

    private static string KeyOf(JsonElement image, IReadOnlyList<string> keyColumns)
    {
        var key = new JsonObject();
        foreach (var column in keyColumns)
        {
            key[column] = JsonNode.Parse(image.GetProperty(column).GetRawText());
        }

        return key.ToJsonString();
    }
}

/// <summary>One row's change in a <see cref="TenantChange"/>: its key and its before-image (null for an insert) as JSON objects.</summary>
public sealed record TenantChangeRow(Guid TenantId, string TableName, TenantChangeOp Op, string RowKey, string? Before, DateTime ChangedAt, long Seq, long? TransactionId, string? Actor);
