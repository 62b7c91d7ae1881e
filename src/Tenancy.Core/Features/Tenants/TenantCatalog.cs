using System.Data.Common;
using System.Linq.Expressions;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Plans;

namespace Tenancy.Core.Features.Tenants;

/// <summary>
/// Read side of the tenant catalog: the queries behind the tenant list and the tenant page.
/// Built for millions of rows: keyset pagination (never OFFSET), sort orders backed by
/// (column, id) indexes, substring search planned from a sample of the catalog, and counts that
/// are exact only where that is cheap. A page is always exactly the rows that
/// <c>ORDER BY sort, id</c> over every match gives: the plan changes how fast, never which rows.
/// See docs/decisions/0002-tenant-browsing-at-scale.md.
/// </summary>
public sealed class TenantCatalog(IDbContextFactory<TenancyDbContext> contextFactory, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly SemaphoreSlim _sampleLock = new(1, 1);
    private (TenantSearchSample? Sample, DateTimeOffset ReadAt)? _sample;

    /// <summary>
    /// A substring search counts at most this many matches exactly; past it the count reads
    /// "1,000+" (or the sample's estimate). Only the count: every match is listed and sorted.
    /// </summary>
    public const int SearchCap = 1_000;

    /// <summary>Up to this many matching rows are counted exactly; beyond it the planner's estimate is shown.</summary>
    public const int ExactCountCap = 20_000;

    public async Task<TenantPage> BrowseAsync(TenantQuery query, CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid(query);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);

        var kind = query.Page.Kind;
        var backwards = kind is PageKind.Before or PageKind.Last;
        var ascending = (query.Direction == SortDirection.Ascending) != backwards;

        var plan = await PlanSearchAsync(db, query, cancellationToken);
        List<TenantListItem>? fetched = null;
        if (plan is TenantSearchPlan.Frequent frequent)
        {
            fetched = await WalkAsync(db, query, frequent, ascending, cancellationToken);
            plan = frequent.Fallback;
        }

        fetched ??= await After(Searched(Filtered(db, query), query, plan), query, ascending)
            .Take(query.PageSize + 1)
            .Select(t => new TenantListItem(t.Id, t.Name, t.Slug, t.OwnerName, t.OwnerEmail, t.Status, t.PlanId, t.Region, t.CreatedAt))
            .ToListAsync(cancellationToken);

        var (items, previous, next) = KeysetPage.Cut(fetched, query.PageSize, kind, item => CursorOf(query.Sort, item));
        return new TenantPage(items, previous, next);
    }

    /// <summary>
    /// The page for a frequent fragment, read in sort order. Each step reads the next window of
    /// rows from where the last one ended (an index-only scan of the sort index, which carries the
    /// search text on PostgreSQL), keeps those containing the fragment (<c>strpos</c>) and stops
    /// as soon as the page is full. The windows follow each other along the sort order, so the
    /// matches they collect are exactly the next rows of the full sorted result. A step that ends
    /// short of the page continues from the window's last row with a window four times larger,
    /// until the page is full or the list ends. When the rows read pass the plan's budget (the
    /// cost of fetching every match), it returns null and the caller runs the fallback plan,
    /// which returns the same rows.
    /// </summary>
    private static async Task<List<TenantListItem>?> WalkAsync(
        TenancyDbContext db, TenantQuery query, TenantSearchPlan.Frequent plan, bool ascending, CancellationToken cancellationToken)
    {
        var term = query.SearchTerm!.ToLowerInvariant();
        var ids = new List<Guid>(query.PageSize + 1);
        var from = query;
        var window = plan.Window;
        long read = 0;
        while (true)
        {
            var rest = After(Filtered(db, from), from, ascending);
            var prefix = rest.Take(window);
            ids.AddRange(await Order(prefix.Where(t => SearchFunctions.StrPos(t.SearchText, term) > 0), query.Sort, ascending)
                .Take(query.PageSize + 1 - ids.Count)
                .Select(t => t.Id)
                .ToListAsync(cancellationToken));
            read += window;
            if (ids.Count > query.PageSize)
            {
                break;
            }

            // Where this window ended (index-only: the sort key and id); none when the list ended
            // inside it, and then the page is all there is.
            var end = rest.Skip(window - 1);
            var last = query.Sort == TenantSort.Name
                ? await end.Select(t => TenantCursor.Encode(TenantSort.Name, t.Name, default, t.Id)).FirstOrDefaultAsync(cancellationToken)
                : await end.Select(t => TenantCursor.Encode(TenantSort.Created, "", t.CreatedAt, t.Id)).FirstOrDefaultAsync(cancellationToken);
            if (last is null)
            {
                break;
            }

            read += window;
            window = (int)Math.Min(window * 4L, int.MaxValue);
            if (read + window > plan.Budget)
            {
                return null;
            }

            from = query with { Page = PageRequest.After(last) };
        }

        var rows = await db.Tenants.AsNoTracking()
            .Where(t => ids.Contains(t.Id))
            .Select(t => new TenantListItem(t.Id, t.Name, t.Slug, t.OwnerName, t.OwnerEmail, t.Status, t.PlanId, t.Region, t.CreatedAt))
            .ToDictionaryAsync(t => t.Id, cancellationToken);

        // In the order the walk found them (the database's collation, not ours). A tenant deleted
        // between the two reads is simply not on the page.
        return [.. ids.Where(rows.ContainsKey).Select(id => rows[id])];
    }

    /// <summary>The rows after the page's cursor in the direction of travel, in that order.</summary>
    private static IQueryable<Tenant> After(IQueryable<Tenant> rows, TenantQuery query, bool ascending)
    {
        if (query.Page.Kind is PageKind.After or PageKind.Before)
        {
            TenantCursor.TryDecode(query.Sort, query.Page.Cursor, out var cursor);
            rows = rows.Where(Keyset(query.Sort, cursor, ascending));
        }

        return Order(rows, query.Sort, ascending);
    }

    /// <summary>
    /// The rows of a view in its order, from its first row, up to <paramref name="max"/> of them:
    /// page after page of the same keyset pages the list shows (each a cheap index read), handed
    /// out as each page is read, so an export never holds more than a page.
    /// </summary>
    public async IAsyncEnumerable<TenantListItem> ExportAsync(
        TenantQuery query, int max, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default,
        int pageSize = TenantQuery.MaxPageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        var page = query with { Page = PageRequest.First, PageSize = pageSize };
        var given = 0;
        while (given < max)
        {
            var rows = await BrowseAsync(page, cancellationToken);
            foreach (var row in rows.Items)
            {
                if (given++ >= max)
                {
                    yield break;
                }

                yield return row;
            }

            if (rows.NextCursor is not { } next)
            {
                yield break;
            }

            page = page with { Page = PageRequest.After(next) };
        }
    }

    /// <summary>How many tenants match: exact when cheap, otherwise an estimate or a lower bound.</summary>
    public async Task<TenantCount> CountAsync(TenantQuery query, CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid(query);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var plan = await PlanSearchAsync(db, query, cancellationToken);
        if (plan is TenantSearchPlan.Frequent frequent)
        {
            return new TenantCount(frequent.EstimatedMatches, TenantCountKind.Estimate);
        }

        var rows = Searched(Filtered(db, query), query, plan);

        if (query.HasSubstringSearch)
        {
            var matches = await rows.Take(SearchCap + 1).CountAsync(cancellationToken);
            return matches > SearchCap
                ? new TenantCount(SearchCap, TenantCountKind.AtLeast)
                : new TenantCount(matches, TenantCountKind.Exact);
        }

        if (db.Provider != DatabaseProvider.Postgres)
        {
            return new TenantCount(await rows.LongCountAsync(cancellationToken), TenantCountKind.Exact);
        }

        var estimate = await EstimateAsync(db, query, cancellationToken);
        if (estimate > ExactCountCap * 2L)
        {
            return new TenantCount(estimate, TenantCountKind.Estimate);
        }

        var counted = await rows.Take(ExactCountCap + 1).CountAsync(cancellationToken);
        return counted > ExactCountCap
            ? new TenantCount(Math.Max(estimate, counted), TenantCountKind.Estimate)
            : new TenantCount(counted, TenantCountKind.Exact);
    }

    /// <summary>The tenant whose id, slug or Stripe customer id is exactly <paramref name="term"/>, if any.</summary>
    public async Task<TenantExactMatch?> FindExactAsync(string? term, CancellationToken cancellationToken = default)
    {
        term = term?.Trim();
        if (string.IsNullOrEmpty(term) || term.Length > TenantQuery.MaxSearchLength)
        {
            return null;
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (Guid.TryParse(term, out var id))
        {
            return await db.Tenants.AsNoTracking().Where(t => t.Id == id)
                .Select(t => new TenantExactMatch(t.Id, t.Name, t.Slug, ExactMatchKind.Id))
                .FirstOrDefaultAsync(cancellationToken);
        }

        if (term.StartsWith("cus_", StringComparison.Ordinal))
        {
            return await db.Tenants.AsNoTracking().Where(t => t.StripeCustomerId == term)
                .OrderBy(t => t.Id)
                .Select(t => new TenantExactMatch(t.Id, t.Name, t.Slug, ExactMatchKind.StripeCustomerId))
                .FirstOrDefaultAsync(cancellationToken);
        }

        var slug = term.ToLowerInvariant();
        if (slug.Length > Tenant.SlugMaxLength)
        {
            return null;
        }

        return await (
                from s in db.TenantSlugs.AsNoTracking()
                join t in db.Tenants on s.TenantId equals t.Id
                where s.Slug == slug
                select new TenantExactMatch(t.Id, t.Name, t.Slug, ExactMatchKind.Slug))
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The plans, cheapest first, for filters and labels.</summary>
    public async Task<IReadOnlyList<Plan>> ListPlansAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Plans.AsNoTracking().OrderBy(p => p.SortOrder).ToListAsync(cancellationToken);
    }

    public async Task<TenantDetails?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);

        // The catalog row first, then the counts of the tenant's data by its id: on Citus the data
        // is sharded by tenant and the catalog is not (decision 0006), so each count routes to one
        // shard, where one statement joining them could not run at all.
        var tenant = await db.Tenants.AsNoTracking()
            .Where(t => t.Id == id)
            .Select(t => new TenantDetails(
                t.Id,
                t.Name,
                t.Slug,
                t.Status,
                t.PlanId,
                t.Plan!.Name,
                t.Region,
                t.OwnerName,
                t.OwnerEmail,
                t.StripeCustomerId,
                t.StripeSubscriptionId,
                t.CreatedAt,
                t.UpdatedAt,
                0,
                0))
            .FirstOrDefaultAsync(cancellationToken);
        if (tenant is null)
        {
            return null;
        }

        return tenant with
        {
            MemberCount = await db.Members.CountAsync(m => m.TenantId == id, cancellationToken),
            ProjectCount = await db.Projects.CountAsync(p => p.TenantId == id, cancellationToken),
        };
    }

    /// <summary>
    /// Escapes LIKE wildcards so a search for <c>50%_off\</c> finds exactly that text.
    /// The escape character is a backslash.
    /// </summary>
    public static string ToContainsPattern(string term)
    {
        var builder = new StringBuilder(term.Length + 8).Append('%');
        foreach (var c in term.ToLowerInvariant())
        {
            if (c is '%' or '_' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append('%').ToString();
    }

    private static void ThrowIfInvalid(TenantQuery query)
    {
        var errors = query.Validate();
        if (errors.Count > 0)
        {
            throw new TenantQueryValidationException(errors);
        }
    }

    /// <summary>Tables smaller than this are searched with the plain pattern (every plan is fast there).</summary>
    internal long SampleMinimumRows { get; init; } = 200_000;

    /// <summary>How long a search sample is used before it is read again.</summary>
    internal static readonly TimeSpan SampleLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Draws the same sample for the same seed and data (tests); a new random one when null.</summary>
    internal int? SampleSeed { get; init; }

    /// <summary>What the planner weighs; tests move it to force one plan or the other.</summary>
    internal TenantSearchCosts Costs { get; init; } = TenantSearchCosts.Default;

    private async Task<TenantSearchPlan?> PlanSearchAsync(TenancyDbContext db, TenantQuery query, CancellationToken cancellationToken)
    {
        if (!query.HasSubstringSearch)
        {
            return null;
        }

        if (db.Provider != DatabaseProvider.Postgres)
        {
            return new TenantSearchPlan.Pattern();
        }

        var sample = _sample;
        if (sample is null || _clock.GetUtcNow() - sample.Value.ReadAt > SampleLifetime)
        {
            await _sampleLock.WaitAsync(cancellationToken);
            try
            {
                sample = _sample;
                if (sample is null || _clock.GetUtcNow() - sample.Value.ReadAt > SampleLifetime)
                {
                    _sample = sample = (await TenantSearchSample.ReadAsync(db, SampleMinimumRows, SampleSeed, cancellationToken), _clock.GetUtcNow());
                }
            }
            finally
            {
                _sampleLock.Release();
            }
        }

        return TenantSearchPlan.Choose(sample.Value.Sample, query.SearchTerm!.ToLowerInvariant(), query, Costs);
    }

    /// <summary>The tenants that pass the status, plan and region filters (and are not deleted, when the query hides them).</summary>
    private static IQueryable<Tenant> Filtered(TenancyDbContext db, TenantQuery query)
    {
        var rows = db.Tenants.AsNoTracking();
        if (query.Status is { } status)
        {
            rows = rows.Where(t => t.Status == status);
        }
        else if (query.HideDeleted)
        {
            rows = rows.Where(t => t.Status != TenantStatus.Deleted);
        }

        if (query.PlanId is { } planId)
        {
            rows = rows.Where(t => t.PlanId == planId);
        }

        if (query.Region is { } region)
        {
            rows = rows.Where(t => t.Region == region);
        }

        return rows;
    }

    /// <summary>
    /// The rows whose search text contains the search term, the way <paramref name="plan"/> says
    /// to find them. Every plan keeps exactly the rows the plain escaped <c>LIKE</c> pattern keeps.
    /// </summary>
    private static IQueryable<Tenant> Searched(IQueryable<Tenant> rows, TenantQuery query, TenantSearchPlan? plan)
    {
        if (!query.HasSubstringSearch)
        {
            return rows;
        }

        var term = query.SearchTerm!.ToLowerInvariant();
        switch (plan)
        {
            case TenantSearchPlan.Frequent:
                return rows.Where(t => SearchFunctions.StrPos(t.SearchText, term) > 0);
            case TenantSearchPlan.Rare rare:
                foreach (var trigram in rare.Trigrams)
                {
                    var needle = "%" + trigram + "%";
                    rows = rows.Where(t => EF.Functions.Like(t.SearchText, needle));
                }

                return rows.Where(t => SearchFunctions.StrPos(t.SearchText, term) > 0);
            default:
                var pattern = ToContainsPattern(query.SearchTerm!);
                return rows.Where(t => EF.Functions.Like(t.SearchText, pattern, "\\"));
        }
    }

    private static IQueryable<Tenant> Order(IQueryable<Tenant> rows, TenantSort sort, bool ascending) => (sort, ascending) switch
    {
        (TenantSort.Name, true) => rows.OrderBy(t => t.Name).ThenBy(t => t.Id),
        (TenantSort.Name, false) => rows.OrderByDescending(t => t.Name).ThenByDescending(t => t.Id),
        (TenantSort.Created, true) => rows.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id),
        _ => rows.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id),
    };

    /// <summary>
    /// Rows strictly after the cursor in the direction of travel, written as
    /// <c>key >= @k AND (key > @k OR id > @id)</c>: the first conjunct is an index range on the
    /// (key, id) index, so a page deep in the list costs the same as the first one.
    /// </summary>
    private static Expression<Func<Tenant, bool>> Keyset(TenantSort sort, TenantCursor cursor, bool ascending)
    {
        var id = cursor.Id;
        if (sort == TenantSort.Name)
        {
            var name = cursor.Name!;
            return ascending
                ? t => string.Compare(t.Name, name) >= 0 && (string.Compare(t.Name, name) > 0 || t.Id > id)
                : t => string.Compare(t.Name, name) <= 0 && (string.Compare(t.Name, name) < 0 || t.Id < id);
        }

        var created = cursor.CreatedAt;
        return ascending
            ? t => t.CreatedAt >= created && (t.CreatedAt > created || t.Id > id)
            : t => t.CreatedAt <= created && (t.CreatedAt < created || t.Id < id);
    }

    private static string CursorOf(TenantSort sort, TenantListItem item) =>
        TenantCursor.Encode(sort, item.Name, item.CreatedAt, item.Id);

    /// <summary>
    /// PostgreSQL's own row estimate: <c>pg_class.reltuples</c> for the whole table (within a
    /// fraction of a percent after ANALYZE), EXPLAIN for status/plan/region filters and for the
    /// list without its deleted tenants.
    /// </summary>
    private static async Task<long> EstimateAsync(TenancyDbContext db, TenantQuery query, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        var conditions = new List<string>();
        AddCondition(command, conditions, "status", query.Status?.ToString());
        if (query.Status is null && query.HideDeleted)
        {
            // The planner estimates it from the status column's most common values, as it does a status filter.
            AddCondition(command, conditions, "status", nameof(TenantStatus.Deleted), "<>");
        }

        AddCondition(command, conditions, "plan_id", query.PlanId);
        AddCondition(command, conditions, "region", query.Region);

        if (conditions.Count == 0)
        {
            command.CommandText = "SELECT reltuples::bigint FROM pg_class WHERE oid = 'tenants'::regclass";
            var tuples = (long)(await command.ExecuteScalarAsync(cancellationToken) ?? -1L);
            if (tuples >= 0)
            {
                return tuples;
            }

            // Never analysed (reltuples = -1): let the planner estimate from the table size.
        }

        command.CommandText = "EXPLAIN (FORMAT JSON) SELECT 1 FROM tenants"
            + (conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions));
        var plan = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        using var json = JsonDocument.Parse(plan);
        return (long)json.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
    }

    private static void AddCondition(DbCommand command, List<string> conditions, string column, string? value, string comparison = "=")
    {
        if (value is null)
        {
            return;
        }

        var parameter = command.CreateParameter();
        parameter.ParameterName = "p" + conditions.Count;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        conditions.Add($"{column} {comparison} @{parameter.ParameterName}");
    }
}
