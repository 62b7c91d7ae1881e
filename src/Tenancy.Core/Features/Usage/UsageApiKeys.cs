using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Staff;

namespace Tenancy.Core.Features.Usage;

/// <summary>A usage API key as staff see it: never its secret or hash.</summary>
public sealed record UsageApiKeySummary(
    Guid Id,
    string Name,
    string Prefix,
    int? RatePerSecond,
    string CreatedBy,
    DateTime CreatedAt,
    DateTime? LastUsedAt,
    string? RevokedBy,
    DateTime? RevokedAt)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A key just created, with its secret: the only time the secret exists outside its holder.</summary>
public sealed record CreatedUsageApiKey(UsageApiKeySummary Key, string Secret)
{
    /// <summary>Not the secret: a record's generated ToString would print it into any log line it reaches.</summary>
    public override string ToString() => $"{Key.Prefix}… ({Key.Name})";
}

/// <summary>A key that authenticated a request: what the ingest API needs of it.</summary>
public sealed record AuthenticatedUsageKey(Guid Id, string Prefix, int? RatePerSecond);

/// <summary>A key change that cannot be made as asked; nothing was changed.</summary>
public sealed class UsageApiKeyException(string message) : Exception(message);

/// <summary>Audit actions of usage API keys.</summary>
public static class UsageAuditActions
{
    public const string KeyCreated = "usage-key.created";
    public const string KeyRevoked = "usage-key.revoked";
}

/// <summary>
/// The API keys products send usage with (<c>usage_api_keys</c>): listing, creating and revoking
/// them (Admins only, audited in the same transaction) and authenticating a request's secret.
/// A secret is <c>tua_</c> and 32 random bytes in base64url; only its SHA-256 (hex) and its first
/// <see cref="UsageApiKey.PrefixLength"/> characters are stored, and the secret is returned once,
/// by <see cref="CreateAsync"/>. One per process: it holds the active keys' hashes in memory for
/// <see cref="CacheLifetime"/>, so a revocation on another instance takes effect here within that
/// time, and at once on the instance that revoked.
/// </summary>
public sealed class UsageApiKeys(IDbContextFactory<TenancyDbContext> contextFactory, AuditLog audit, TimeProvider clock)
{
    public const string SecretPrefix = "tua_";

    /// <summary>How long the active keys are used from memory before they are read again.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    /// <summary>A secret not in memory reloads the keys at most this often (a key created on another instance works within it).</summary>
    public static readonly TimeSpan MissReloadInterval = TimeSpan.FromSeconds(1);

    /// <summary>How often a key's last use is written (at most).</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const int SecretBytes = 32;

    /// <summary><c>tua_</c> + base64url of 32 bytes without padding.</summary>
    private static readonly int SecretLength = SecretPrefix.Length + ((SecretBytes * 4) + 2) / 3;

    private readonly SemaphoreSlim reload = new(1, 1);
    private readonly Dictionary<Guid, DateTime> lastUsedWritten = [];
    private volatile KeySnapshot? snapshot;

    /// <summary>Moves on each change made here, so a load that read the keys before the change is not used after it.</summary>
    private int generation;

    public async Task<IReadOnlyList<UsageApiKeySummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var keys = await db.UsageApiKeys.AsNoTracking().ToListAsync(cancellationToken);
        return [.. keys.OrderBy(k => k.RevokedAt is not null).ThenByDescending(k => k.CreatedAt).ThenBy(k => k.Name, StringComparer.Ordinal).Select(Summary)];
    }

    /// <summary>Creates a key and returns it with its secret, which is not stored and cannot be shown again.</summary>
    /// <exception cref="StaffForbiddenException">The actor may not manage usage keys (Admins only).</exception>
    /// <exception cref="UsageApiKeyException">No name, too long a name, or a rate out of range.</exception>
    public async Task<CreatedUsageApiKey> CreateAsync(StaffActor actor, string? name, int? ratePerSecond, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.ManageUsageKeys);
        name = name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw new UsageApiKeyException("Give the key a name (what sends usage with it).");
        }

        if (name.Length > UsageApiKey.NameMaxLength)
        {
            throw new UsageApiKeyException($"The name can be at most {UsageApiKey.NameMaxLength} characters.");
        }

        if (ratePerSecond is < 1 or > UsageIngest.MaxRatePerSecond)
        {
            throw new UsageApiKeyException($"The rate must be between 1 and {UsageIngest.MaxRatePerSecond:N0} events per second, or empty for the default.");
        }

        var secret = SecretPrefix + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        var key = new UsageApiKey
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Prefix = secret[..UsageApiKey.PrefixLength],
            SecretHash = Convert.ToHexStringLower(Hash(secret)),
            RatePerSecond = ratePerSecond,
            CreatedBy = actor.Name,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        db.UsageApiKeys.Add(key);
        audit.Record(db, actor, UsageAuditActions.KeyCreated, after: new { key.Id, key.Name, key.Prefix, key.RatePerSecond });
        await db.SaveChangesAsync(cancellationToken); // one transaction: the key and its audit entry
        Invalidate();
        return new CreatedUsageApiKey(Summary(key), secret);
    }

    /// <summary>Revokes a key: from now on it authenticates nothing (on this instance at once, on others within <see cref="CacheLifetime"/>).</summary>
    /// <exception cref="StaffForbiddenException">The actor may not manage usage keys (Admins only).</exception>
    /// <exception cref="UsageApiKeyException">No reason, or the key is already revoked.</exception>
    /// <exception cref="KeyNotFoundException">No such key.</exception>
    public async Task<UsageApiKeySummary> RevokeAsync(StaffActor actor, Guid keyId, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.ManageUsageKeys);
        if (AuditLog.ValidateReason(reason) is { } problem)
        {
            throw new UsageApiKeyException(problem);
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var key = await db.UsageApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == keyId, cancellationToken)
            ?? throw new KeyNotFoundException($"No usage API key has the id {keyId}.");
        if (key.IsRevoked)
        {
            throw new UsageApiKeyException($"The key {key.Prefix}… ({key.Name}) was already revoked by {key.RevokedBy}.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        // Only while revoked_at is still empty: of two Admins revoking at once, one wins.
        var changed = await db.UsageApiKeys
            .Where(k => k.Id == keyId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now).SetProperty(k => k.RevokedBy, actor.Name), cancellationToken);
        if (changed == 0)
        {
            throw new UsageApiKeyException($"The key {key.Prefix}… ({key.Name}) was revoked by someone else meanwhile.");
        }

        key.RevokedAt = now;
        key.RevokedBy = actor.Name;
        audit.Record(db, actor, UsageAuditActions.KeyRevoked,
            before: new { key.Id, key.Name, key.Prefix, RevokedAt = (DateTime?)null },
            after: new { key.Id, key.Name, key.Prefix, key.RevokedAt },
            reason: reason);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Invalidate();
        return Summary(key);
    }

    /// <summary>
    /// The active key whose secret is <paramref name="secret"/>, or null (malformed, unknown or
    /// revoked). Compares the secret's SHA-256 with every active key's in constant time, from memory.
    /// </summary>
    public async ValueTask<AuthenticatedUsageKey?> AuthenticateAsync(string? secret, CancellationToken cancellationToken = default)
    {
        if (secret is null || secret.Length != SecretLength || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = Hash(secret);
        var keys = await CurrentAsync(cancellationToken);
        if (Find(keys, hash) is { } found)
        {
            return found;
        }

        // Perhaps a key created on another instance since the last load: look again, at most once per interval.
        if (clock.GetElapsedTime(keys.LoadedAt) < MissReloadInterval)
        {
            return null;
        }

        keys = await LoadAsync(keys, cancellationToken);
        return Find(keys, hash);
    }

    /// <summary>Records that the key was used now, at most once per <see cref="LastUsedResolution"/> per key and instance.</summary>
    public async Task MarkUsedAsync(AuthenticatedUsageKey key, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        lock (lastUsedWritten)
        {
            if (lastUsedWritten.TryGetValue(key.Id, out var written) && now - written < LastUsedResolution)
            {
                return;
            }

            lastUsedWritten[key.Id] = now;
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await db.UsageApiKeys
            .Where(k => k.Id == key.Id && (k.LastUsedAt == null || k.LastUsedAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
    }

    /// <summary>Forget the keys in memory: the next request reads them again.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref generation);
        snapshot = null;
    }

    private static AuthenticatedUsageKey? Find(KeySnapshot keys, ReadOnlySpan<byte> hash)
    {
        // Every active key is compared, each in constant time: how long this takes says nothing about the secret.
        AuthenticatedUsageKey? match = null;
        foreach (var (keyHash, key) in keys.Active)
        {
            if (CryptographicOperations.FixedTimeEquals(keyHash, hash))
            {
                match = key;
            }
        }

        return match;
    }

    private ValueTask<KeySnapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var current = snapshot;
        return IsValid(current) && clock.GetElapsedTime(current!.LoadedAt) < CacheLifetime
            ? ValueTask.FromResult(current)
            : new ValueTask<KeySnapshot>(LoadAsync(current, cancellationToken));
    }

    /// <summary>Reads the active keys, once for all the requests that found <paramref name="seen"/> stale.</summary>
    private async Task<KeySnapshot> LoadAsync(KeySnapshot? seen, CancellationToken cancellationToken)
    {
        await reload.WaitAsync(cancellationToken);
        try
        {
            var current = snapshot;
            if (IsValid(current) && !ReferenceEquals(current, seen))
            {
                return current!; // another request reloaded meanwhile
            }

            var loadedGeneration = Volatile.Read(ref generation);
            var loadedAt = clock.GetTimestamp();
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            var rows = await db.UsageApiKeys.AsNoTracking()
                .Where(k => k.RevokedAt == null)
                .Select(k => new { k.Id, k.Prefix, k.SecretHash, k.RatePerSecond })
                .ToListAsync(cancellationToken);
            var loaded = new KeySnapshot(
                [.. rows.Select(r => (Convert.FromHexString(r.SecretHash), new AuthenticatedUsageKey(r.Id, r.Prefix, r.RatePerSecond)))],
                loadedAt,
                loadedGeneration);
            snapshot = loaded;
            return loaded;
        }
        finally
        {
            reload.Release();
        }
    }

    private static UsageApiKeySummary Summary(UsageApiKey k) =>
        new(k.Id, k.Name, k.Prefix, k.RatePerSecond, k.CreatedBy, k.CreatedAt, k.LastUsedAt, k.RevokedBy, k.RevokedAt);

    private static byte[] Hash(string secret)
    {
        var hash = new byte[SHA256.HashSizeInBytes];
        Hash(secret, hash);
        return hash;
    }

    private static void Hash(string secret, Span<byte> destination)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(secret.Length)];
        var length = Encoding.UTF8.GetBytes(secret, utf8);
        SHA256.HashData(utf8[..length], destination);
        CryptographicOperations.ZeroMemory(utf8);
    }

    private bool IsValid(KeySnapshot? keys) => keys is not null && keys.Generation == Volatile.Read(ref generation);

    private sealed record KeySnapshot(IReadOnlyList<(byte[] Hash, AuthenticatedUsageKey Key)> Active, long LoadedAt, int Generation);
}
