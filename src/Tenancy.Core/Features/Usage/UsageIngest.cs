using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Usage;

/// <summary>
/// One usage event as a product sends it (<c>POST /api/usage</c>), unchecked: every field as it
/// came, so that <see cref="UsageIngest"/> can say what is wrong with it.
/// </summary>
public sealed record UsageEventInput
{
    /// <summary>The sender's id of the event (1 to 100 characters): a re-sent event with the same id counts once.</summary>
    public string? Id { get; init; }

    /// <summary>The tenant's id (a UUID).</summary>
    public string? TenantId { get; init; }

    /// <summary>A counted metric by its exact name: <c>ApiRequestsPerMonth</c> or <c>TransferBytesPerMonth</c>.</summary>
    public string? Metric { get; init; }

    public long? Amount { get; init; }

    /// <summary>When it happened, ISO-8601 with <c>Z</c> or an offset; now when absent.</summary>
    public string? Timestamp { get; init; }
}

/// <summary>What an accepted batch did: events counted now, and events already counted (re-sent, or repeated in the batch).</summary>
public sealed record UsageIngestResult(int Accepted, int Duplicates);

/// <summary>Why a batch was refused: the first bad event (its index in the batch and its id, when it has one), or the batch itself.</summary>
public sealed record UsageIngestProblem(int? Index, string? EventId, string Reason)
{
    public override string ToString() => Index is null
        ? Reason
        : $"Event {Index}{(EventId is null ? "" : $" (id \"{EventId}\")")}: {Reason}";
}

/// <summary>A batch was refused; nothing of it was stored.</summary>
public sealed class UsageIngestRejectedException(UsageIngestProblem problem) : Exception(problem.ToString())
{
    public UsageIngestProblem Problem { get; } = problem;
}

/// <summary>
/// Takes batches of usage events sent with an API key (<see cref="UsageApiKeys"/>) and counts each
/// event once, through <see cref="UsageWriter"/>, the one write path of usage. A batch is checked
/// whole first and refused whole (<see cref="UsageIngestRejectedException"/>, naming the first bad
/// event); an accepted batch is one transaction: the event ids not seen before for this key go into
/// <c>usage_ingest_ids</c> (<c>INSERT … ON CONFLICT DO NOTHING RETURNING</c>), and only those events
/// are written. Re-sending a batch, or an event, is safe for <see cref="UsageOptions.IngestIdRetention"/>.
/// A tenant that is deleted (status <see cref="TenantStatus.Deleted"/>) is refused like an unknown
/// one: its usage can no longer be billed or limited. A suspended tenant's usage is counted.
/// </summary>
public sealed partial class UsageIngest(IDbContextFactory<TenancyDbContext> contextFactory, IOptions<UsageOptions> options, TimeProvider clock)
{
    /// <summary>The largest rate a key may be given (the same bound as <see cref="UsageOptions.DefaultIngestRatePerSecond"/>).</summary>
    public const int MaxRatePerSecond = 10_000_000;

    /// <summary>How far in the future an event's timestamp may be (clocks differ).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Ids per statement on SQLite (one parameter each).</summary>
    private const int SqliteChunk = 500;

    /// <summary>The metrics events count, by their exact names.</summary>
    private static readonly Dictionary<string, QuotaMetric> CountedMetrics =
        QuotaMetrics.Monthly.ToDictionary(m => m.ToString(), StringComparer.Ordinal);

    private static readonly string CountedNames = string.Join(" or ", QuotaMetrics.Monthly);

    /// <summary>
    /// Counts the new events of <paramref name="events"/> for <paramref name="keyId"/>. Throws
    /// <see cref="UsageIngestRejectedException"/> and stores nothing when the batch is empty, too
    /// large, or any event is bad.
    /// </summary>
    public async Task<UsageIngestResult> IngestAsync(Guid keyId, IReadOnlyList<UsageEventInput?>? events, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var valid = Validate(events, now, out var fieldProblem);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        // The valid events all come before the first bad field, so a bad tenant among them is the first problem.
        if ((await CheckTenantsAsync(db, valid, cancellationToken) ?? fieldProblem) is { } problem)
        {
            throw new UsageIngestRejectedException(problem);
        }

        // Repeats within the batch count once, like a re-send: the first occurrence stands.
        var unique = new Dictionary<string, ValidEvent>(valid.Count, StringComparer.Ordinal);
        foreach (var e in valid)
        {
            unique.TryAdd(e.Id, e);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = unique.Keys.Order(StringComparer.Ordinal).ToArray(); // one lock order for concurrent batches
        var inserted = await InsertNewIdsAsync(db, keyId, ids, now, cancellationToken);
        var amounts = new List<UsageAmount>(inserted.Count);
        foreach (var id in inserted)
        {
            var e = unique[id];
            amounts.Add(new UsageAmount(e.TenantId, e.Metric, UsageWriter.TruncateToMinute(e.At), e.Amount));
        }

        if (amounts.Count > 0)
        {
            await UsageWriter.WriteAsync(db, Guid.CreateVersion7(), amounts, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new UsageIngestResult(inserted.Count, valid.Count - inserted.Count);
    }

    /// <summary>Deletes the event ids received before <see cref="UsageOptions.IngestIdRetention"/>, in batches; returns how many.</summary>
    public async Task<long> PurgeIdsAsync(int batchSize = 10_000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var cutoff = clock.GetUtcNow().UtcDateTime - options.Value.IngestIdRetention;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        long deleted = 0;
        int rows;
        do
        {
            // Oldest first through the received_at index; each batch its own short transaction.
            rows = await db.Database.ExecuteSqlAsync(
                $"""
                DELETE FROM usage_ingest_ids WHERE (api_key_id, event_id) IN (
                    SELECT api_key_id, event_id FROM usage_ingest_ids WHERE received_at < {cutoff} ORDER BY received_at LIMIT {batchSize})
                """,
                cancellationToken);
            deleted += rows;
        }
        while (rows == batchSize);

        return deleted;
    }

    /// <summary>Checks every field of every event; the events up to the first bad one, parsed, and that problem (or null).</summary>
    private List<ValidEvent> Validate(IReadOnlyList<UsageEventInput?>? events, DateTime now, out UsageIngestProblem? problem)
    {
        var limits = options.Value;
        problem = null;
        if (events is null)
        {
            problem = new UsageIngestProblem(null, null, "The body has no \"events\" array.");
            return [];
        }

        if (events.Count == 0)
        {
            problem = new UsageIngestProblem(null, null, "The batch is empty: send at least one event.");
            return [];
        }

        if (events.Count > limits.MaxIngestBatch)
        {
            problem = new UsageIngestProblem(null, null, $"The batch has {events.Count:N0} events; at most {limits.MaxIngestBatch:N0} are taken at once. Split it.");
            return [];
        }

        var oldest = now - limits.MaxEventAge;
        var newest = now + MaxClockSkew;
        var totals = new Dictionary<(Guid, QuotaMetric), long>();
        var valid = new List<ValidEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var reason = Check(e, oldest, newest, now, out var parsed);
            if (reason is null)
            {
                var key = (parsed.TenantId, parsed.Metric);
                var total = totals.GetValueOrDefault(key);
                if (parsed.Amount > long.MaxValue - total)
                {
                    reason = "the amounts of this tenant and metric in the batch add up to more than a 64-bit count holds.";
                }
                else
                {
                    totals[key] = total + parsed.Amount;
                }
            }

            if (reason is not null)
            {
                problem = new UsageIngestProblem(i, IdForMessage(e?.Id), reason);
                return valid;
            }

            valid.Add(parsed with { Index = i });
        }

        return valid;
    }

    private static string? Check(UsageEventInput? e, DateTime oldest, DateTime newest, DateTime now, out ValidEvent parsed)
    {
        parsed = default;
        if (e is null)
        {
            return "the event is null; send an object.";
        }

        if (string.IsNullOrEmpty(e.Id))
        {
            return "\"id\" is missing or empty.";
        }

        if (e.Id.Length > UsageIngestId.EventIdMaxLength)
        {
            return $"\"id\" is {e.Id.Length} characters long; at most {UsageIngestId.EventIdMaxLength}.";
        }

        if (string.IsNullOrEmpty(e.TenantId))
        {
            return "\"tenantId\" is missing.";
        }

        if (!Guid.TryParseExact(e.TenantId, "D", out var tenantId))
        {
            return $"\"tenantId\" {Quote(e.TenantId)} is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).";
        }

        if (string.IsNullOrEmpty(e.Metric))
        {
            return $"\"metric\" is missing; send {CountedNames}.";
        }

        if (!CountedMetrics.TryGetValue(e.Metric, out var metric))
        {
            return Enum.TryParse<QuotaMetric>(e.Metric, ignoreCase: false, out var other) && QuotaMetrics.IsDefined(other)
                ? $"\"metric\" {e.Metric} is not counted by events (it is measured from tenant data or per second); send {CountedNames}."
                : $"\"metric\" {Quote(e.Metric)} is not a known metric; send {CountedNames} (exactly so spelt).";
        }

        if (e.Amount is not { } amount)
        {
            return "\"amount\" is missing.";
        }

        if (amount < 0)
        {
            return $"\"amount\" is {amount}; it must not be negative.";
        }

        var max = metric.Info().MaxLimit;
        if (amount > max)
        {
            return $"\"amount\" {amount:N0} is more than the largest limit of {metric} ({max:N0}); is it in the right unit?";
        }

        var at = now;
        if (e.Timestamp is not null)
        {
            if (!TryParseTimestamp(e.Timestamp, out at))
            {
                return $"\"timestamp\" {Quote(e.Timestamp)} is not an ISO-8601 time with Z or an offset (e.g. 2026-12-03T14:05:00Z).";
            }

            if (at > newest)
            {
                return $"\"timestamp\" {e.Timestamp} is more than {MaxClockSkew.TotalMinutes:0} minutes in the future (the server's time is {now:yyyy-MM-ddTHH:mm:ssZ}).";
            }

            if (at < oldest)
            {
                return $"\"timestamp\" {e.Timestamp} is older than the {DescribeAge(now - oldest)} usage is taken for.";
            }
        }

        parsed = new ValidEvent(0, e.Id, tenantId, metric, amount, at);
        return null;
    }

    /// <summary>The tenants the valid events name, read in one query: the first event whose tenant is unknown or deleted.</summary>
    private static async Task<UsageIngestProblem?> CheckTenantsAsync(TenancyDbContext db, List<ValidEvent> valid, CancellationToken cancellationToken)
    {
        if (valid.Count == 0)
        {
            return null;
        }

        var ids = valid.Select(e => e.TenantId).Distinct().ToList();
        var found = await db.Tenants.AsNoTracking()
            .Where(t => EF.Parameter(ids).Contains(t.Id))
            .Select(t => new { t.Id, t.Status })
            .ToDictionaryAsync(t => t.Id, t => t.Status, cancellationToken);
        foreach (var e in valid)
        {
            if (!found.TryGetValue(e.TenantId, out var status))
            {
                return new UsageIngestProblem(e.Index, e.Id, $"no tenant has the id {e.TenantId}.");
            }

            if (status == TenantStatus.Deleted)
            {
                return new UsageIngestProblem(e.Index, e.Id, $"the tenant {e.TenantId} is deleted; its usage is no longer taken.");
            }
        }

        return null;
    }

    /// <summary>Inserts the ids this key has not sent before; returns those (the events to count).</summary>
    private static async Task<List<string>> InsertNewIdsAsync(TenancyDbContext db, Guid keyId, string[] ids, DateTime now, CancellationToken cancellationToken)
    {
        if (db.Provider == DatabaseProvider.Postgres)
        {
            // One statement and one array parameter whatever the batch size.
            return await db.Database.SqlQueryRaw<string>(
                    """
                    INSERT INTO usage_ingest_ids (api_key_id, event_id, received_at)
                    SELECT {0}, e, {1} FROM unnest({2}) AS e
                    ON CONFLICT (api_key_id, event_id) DO NOTHING
                    RETURNING event_id AS "Value"
                    """,
                    keyId, now, ids)
                .ToListAsync(cancellationToken);
        }

        var inserted = new List<string>(ids.Length);
        foreach (var chunk in ids.Chunk(SqliteChunk))
        {
            var values = SqlValues.Of(chunk, id => [keyId, id, now]);
            var sql = "INSERT INTO usage_ingest_ids (api_key_id, event_id, received_at) VALUES " + values.Sql +
                " ON CONFLICT (api_key_id, event_id) DO NOTHING RETURNING event_id AS \"Value\"";
            inserted.AddRange(await db.Database.SqlQueryRaw<string>(sql, [.. values.Arguments]).ToListAsync(cancellationToken));
        }

        return inserted;
    }

    private static bool TryParseTimestamp(string text, out DateTime utc)
    {
        utc = default;
        if (!IsoTimestamp().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        utc = parsed.UtcDateTime;
        return true;
    }

    private static string DescribeAge(TimeSpan age) =>
        age.TotalDays >= 1 && age.TotalDays == Math.Floor(age.TotalDays) ? $"{age.TotalDays:0} days" : $"{age.TotalHours:0.#} hours";

    /// <summary>The id as the message shows it: an overlong one cut short.</summary>
    private static string? IdForMessage(string? id) =>
        id is { Length: > UsageIngestId.EventIdMaxLength } ? id[..UsageIngestId.EventIdMaxLength] + "…" : id;

    private static string Quote(string value) => "\"" + (value.Length > 60 ? value[..60] + "…" : value) + "\"";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTimestamp();

    private readonly record struct ValidEvent(int Index, string Id, Guid TenantId, QuotaMetric Metric, long Amount, DateTime At);
}
