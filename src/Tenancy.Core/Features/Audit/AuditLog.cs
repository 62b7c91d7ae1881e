using System.Diagnostics;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Audit;

/// <summary>Filters for the audit views; every one optional.</summary>
public sealed record AuditQuery
{
    public const int DefaultPageSize = 50;

    /// <summary>Part of the actor's name or email, or their exact subject.</summary>
    public string? Actor { get; init; }

    public string? Action { get; init; }

    public Guid? TenantId { get; init; }

    /// <summary>Inclusive lower bound (UTC).</summary>
    public DateTime? From { get; init; }

    /// <summary>Exclusive upper bound (UTC).</summary>
    public DateTime? To { get; init; }

    public PageRequest Page { get; init; } = PageRequest.First;

    public int PageSize { get; init; } = DefaultPageSize;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Actor is { Length: > 200 })
        {
            errors.Add("The actor filter can be at most 200 characters.");
        }

        if (From is { } from && To is { } to && from >= to)
        {
            errors.Add("The start of the time range must be before its end.");
        }

        if (PageSize is < 1 or > TenantQuery.MaxPageSize)
        {
            errors.Add($"Page size must be between 1 and {TenantQuery.MaxPageSize}.");
        }

        if (Page.Kind is PageKind.After or PageKind.Before && !TenantCursor.TryDecode(TenantSort.Created, Page.Cursor, out _))
        {
            errors.Add("The page position in the link is not valid.");
        }

        return errors;
    }
}

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, string? PreviousCursor, string? NextCursor)
{
    /// <summary>The names of the tenants the page's entries act on (a deleted tenant keeps its name).</summary>
    public IReadOnlyDictionary<Guid, string> TenantNames { get; init; } = new Dictionary<Guid, string>();
}

/// <summary>
/// Writes and reads the append-only audit log. <see cref="Record"/> adds the entry to the
/// caller's context so it commits (or rolls back) with the change it describes.
/// </summary>
public sealed class AuditLog(IDbContextFactory<TenancyDbContext> contextFactory, TimeProvider clock)
{
    /// <summary>Enums by name ("Suspended", not 3), so an entry reads the same after the enum changes.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Checks a reason typed by staff; null when it is acceptable.</summary>
    public static string? ValidateReason(string? reason)
    {
        var length = reason?.Trim().Length ?? 0;
        if (length < AuditEntry.ReasonMinLength)
        {
            return $"Give a reason of at least {AuditEntry.ReasonMinLength} characters.";
        }

        return length > AuditEntry.ReasonMaxLength
            ? $"The reason can be at most {AuditEntry.ReasonMaxLength} characters."
            : null;
    }

    public AuditEntry Record(
        TenancyDbContext db,
        StaffActor actor,
        string action,
        Guid? tenantId = null,
        object? before = null,
        object? after = null,
        string? reason = null)
    {
        var entry = new AuditEntry
        {
            OccurredAt = clock.GetUtcNow().UtcDateTime,
            ActorSubject = actor.Subject,
            ActorName = actor.Name,
            ActorEmail = actor.Email,
            Action = action,
            TenantId = tenantId,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
            Reason = reason?.Trim(),
            CorrelationId = Activity.Current?.TraceId.ToString() ?? Guid.CreateVersion7().ToString("N"),
        };
        db.AuditLog.Add(entry);
        return entry;
    }

    /// <summary>Records an entry on its own (for actions with no other change, such as a sign-in).</summary>
    public async Task RecordAsync(StaffActor actor, string action, Guid? tenantId = null, object? after = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        Record(db, actor, action, tenantId, after: after);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Entries newest first, keyset-paged like the tenant list.</summary>
    public async Task<AuditPage> BrowseAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        var errors = query.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(query));
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var rows = Filtered(db, query);
        var kind = query.Page.Kind;
        var backwards = kind is PageKind.Before or PageKind.Last;
        if (kind is PageKind.After or PageKind.Before)
        {
            // Same (time, id) cursor encoding as the tenant list's creation-date sort.
            TenantCursor.TryDecode(TenantSort.Created, query.Page.Cursor, out var cursor);
            rows = rows.Where(Keyset(cursor, newestFirst: !backwards));
        }

        rows = backwards
            ? rows.OrderBy(e => e.OccurredAt).ThenBy(e => e.Id)
            : rows.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id);
        var fetched = await rows.Take(query.PageSize + 1).ToListAsync(cancellationToken);
        var (items, previous, next) = KeysetPage.Cut(fetched, query.PageSize, kind, CursorOf);
        return new AuditPage(items, previous, next) { TenantNames = await TenantNames.OfAsync(db, items.Select(e => e.TenantId), cancellationToken) };
    }

    /// <summary>
    /// Every entry the filters match, newest first, streamed from the database as it is read
    /// (not collected in memory), each with its tenant's name when the tenant exists. For an
    /// export: the caller writes each row out before the next is read.
    /// </summary>
    public async IAsyncEnumerable<(AuditEntry Entry, string? TenantName)> ExportAsync(
        AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var errors = query.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(query));
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var rows =
            from e in Filtered(db, query)
            join t in db.Tenants on e.TenantId equals (Guid?)t.Id into tenants
            from t in tenants.DefaultIfEmpty()
            orderby e.OccurredAt descending, e.Id descending
            select new { Entry = e, TenantName = t == null ? null : t.Name };
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return (row.Entry, row.TenantName);
        }
    }

    /// <summary>The entries the query's filters match (not its page).</summary>
    private static IQueryable<AuditEntry> Filtered(TenancyDbContext db, AuditQuery query)
    {
        var rows = db.AuditLog.AsNoTracking();
        if (query.TenantId is { } tenantId)
        {
            rows = rows.Where(e => e.TenantId == tenantId);
        }

        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            rows = rows.Where(e => e.Action == query.Action);
        }

        if (query.Actor?.Trim() is { Length: > 0 } actor)
        {
            var pattern = TenantCatalog.ToContainsPattern(actor);
            rows = rows.Where(e => e.ActorSubject == actor
                || EF.Functions.Like(e.ActorName.ToLower(), pattern, "\\")
                || EF.Functions.Like(e.ActorEmail!.ToLower(), pattern, "\\"));
        }

        if (query.From is { } from)
        {
            rows = rows.Where(e => e.OccurredAt >= from);
        }

        if (query.To is { } to)
        {
            rows = rows.Where(e => e.OccurredAt < to);
        }

        return rows;
    }

    /// <summary>The distinct actions recorded so far, for the action filter.</summary>
    public async Task<IReadOnlyList<string>> ListActionsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.AuditLog.AsNoTracking().Select(e => e.Action).Distinct().OrderBy(a => a).ToListAsync(cancellationToken);
    }

    private static string CursorOf(AuditEntry entry) => TenantCursor.Encode(TenantSort.Created, "", entry.OccurredAt, entry.Id);

    private static Expression<Func<AuditEntry, bool>> Keyset(TenantCursor cursor, bool newestFirst)
    {
        var at = cursor.CreatedAt;
        var id = cursor.Id;
        return newestFirst
            ? e => e.OccurredAt <= at && (e.OccurredAt < at || e.Id < id)
            : e => e.OccurredAt >= at && (e.OccurredAt > at || e.Id > id);
    }
}
