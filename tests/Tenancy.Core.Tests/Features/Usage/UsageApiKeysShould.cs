using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Tests.Infrastructure;
using static Tenancy.Core.Tests.Features.Quotas.QuotaTestData;

namespace Tenancy.Core.Tests.Features.Usage;

/// <summary>
/// The ingest API's keys: only Admins create and revoke them (checked by the service), each
/// change audited in its transaction; only a hash is stored; a revoked key stops working at once
/// here and within seconds on another instance.
/// </summary>
public abstract class UsageApiKeysShould(TestDatabase database)
{
    private const string Why = "The integration was decommissioned";

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 5, 14, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private UsageApiKeys NewInstance() => new(database.ContextFactory, new AuditLog(database.ContextFactory, clock), clock);

    [Fact]
    public async Task CreateAKeyStoringOnlyItsHashAndAPrefixAndAuditIt()
    {
        var keys = NewInstance();

        var created = await keys.CreateAsync(Admin, "  Billing gateway  ", 2_000, Cancellation);

        Assert.Matches("^tua_[A-Za-z0-9_-]{43}$", created.Secret);
        Assert.DoesNotContain(created.Secret, created.ToString(), StringComparison.Ordinal);
        await using var db = database.CreateContext();
        var row = await db.UsageApiKeys.SingleAsync(k => k.Id == created.Key.Id, Cancellation);
        Assert.Equal(("Billing gateway", created.Secret[..UsageApiKey.PrefixLength], 2_000, Admin.Name), (row.Name, row.Prefix, row.RatePerSecond, row.CreatedBy));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(created.Secret))), row.SecretHash);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc));
        var entry = Assert.Single(await AuditAsync(UsageAuditActions.KeyCreated, created.Key.Id));
        Assert.Equal(Admin.Subject, entry.ActorSubject);
        Assert.Contains(created.Key.Prefix, entry.After, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret, entry.After, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret[UsageApiKey.PrefixLength..], entry.After + entry.Before + entry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateTheSecretAndNothingElse()
    {
        var keys = NewInstance();
        var created = await keys.CreateAsync(Admin, "Edge proxy", null, Cancellation);
        var last = created.Secret[^1];
        var wrong = created.Secret[..^1] + (last == 'A' ? 'B' : 'A');

        var found = await keys.AuthenticateAsync(created.Secret, Cancellation);

        Assert.Equal(new AuthenticatedUsageKey(created.Key.Id, created.Key.Prefix, null), found);
        Assert.Null(await keys.AuthenticateAsync(wrong, Cancellation));
        Assert.Null(await keys.AuthenticateAsync(created.Secret[..^1], Cancellation));
        Assert.Null(await keys.AuthenticateAsync(created.Secret.ToUpperInvariant(), Cancellation));
        Assert.Null(await keys.AuthenticateAsync("", Cancellation));
        Assert.Null(await keys.AuthenticateAsync(null, Cancellation));
        Assert.Null(await NewInstance().AuthenticateAsync(wrong, Cancellation));
        Assert.Equal(created.Key.Id, (await NewInstance().AuthenticateAsync(created.Secret, Cancellation))?.Id);
    }

    [Fact]
    public async Task StopAuthenticatingARevokedKeyAtOnceAndAuditTheRevocationWithItsReason()
    {
        var keys = NewInstance();
        var created = await keys.CreateAsync(Admin, "Old importer", null, Cancellation);
        Assert.NotNull(await keys.AuthenticateAsync(created.Secret, Cancellation)); // now in memory

        var revoked = await keys.RevokeAsync(Admin, created.Key.Id, "  " + Why + " ", Cancellation);

        Assert.True(revoked.IsRevoked);
        Assert.Equal(Admin.Name, revoked.RevokedBy);
        Assert.Null(await keys.AuthenticateAsync(created.Secret, Cancellation));
        var entry = Assert.Single(await AuditAsync(UsageAuditActions.KeyRevoked, created.Key.Id));
        Assert.Equal((Admin.Subject, Why), (entry.ActorSubject, entry.Reason));
        var again = await Assert.ThrowsAsync<UsageApiKeyException>(() => keys.RevokeAsync(Admin, created.Key.Id, Why, Cancellation));
        Assert.Contains("already revoked", again.Message, StringComparison.Ordinal);
        Assert.Single(await AuditAsync(UsageAuditActions.KeyRevoked, created.Key.Id));
        var listed = Assert.Single(await keys.ListAsync(Cancellation), k => k.Id == created.Key.Id);
        Assert.True(listed.IsRevoked);
    }

    [Fact]
    public async Task StopAuthenticatingAKeyRevokedOnAnotherInstanceWithinTheCacheLifetime()
    {
        var (here, there) = (NewInstance(), NewInstance());
        var created = await here.CreateAsync(Admin, "Shared key", null, Cancellation);
        Assert.NotNull(await there.AuthenticateAsync(created.Secret, Cancellation));

        await here.RevokeAsync(Admin, created.Key.Id, Why, Cancellation);
        var meanwhile = await there.AuthenticateAsync(created.Secret, Cancellation);
        clock.Advance(UsageApiKeys.CacheLifetime);
        var after = await there.AuthenticateAsync(created.Secret, Cancellation);

        Assert.NotNull(meanwhile); // from memory, for at most CacheLifetime
        Assert.Null(after);
        Assert.True(UsageApiKeys.CacheLifetime <= TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AuthenticateAKeyCreatedOnAnotherInstanceWithinASecond()
    {
        var (here, there) = (NewInstance(), NewInstance());
        Assert.Null(await there.AuthenticateAsync("tua_" + new string('x', 43), Cancellation)); // loads the keys there

        var created = await here.CreateAsync(Admin, "New key", null, Cancellation);
        clock.Advance(UsageApiKeys.MissReloadInterval);

        Assert.Equal(created.Key.Id, (await there.AuthenticateAsync(created.Secret, Cancellation))?.Id);
    }

    [Fact]
    public async Task RefuseSupportAndViewersOnTheServerAndChangeNothing()
    {
        var keys = NewInstance();
        var existing = await keys.CreateAsync(Admin, "Existing", null, Cancellation);
        var before = await keys.ListAsync(Cancellation);

        foreach (var actor in new[] { Support, Viewer })
        {
            var create = await Assert.ThrowsAsync<StaffForbiddenException>(() => keys.CreateAsync(actor, "Sneaky", null, Cancellation));
            var revoke = await Assert.ThrowsAsync<StaffForbiddenException>(() => keys.RevokeAsync(actor, existing.Key.Id, Why, Cancellation));
            Assert.Equal((StaffCapability.ManageUsageKeys, StaffCapability.ManageUsageKeys), (create.Capability, revoke.Capability));
            Assert.Contains("may not create or revoke usage API keys", create.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, await keys.ListAsync(Cancellation));
        Assert.NotNull(await keys.AuthenticateAsync(existing.Secret, Cancellation));
        Assert.Empty(await AuditAsync(UsageAuditActions.KeyRevoked, existing.Key.Id));
        await using var db = database.CreateContext();
        Assert.Equal(0, await db.AuditLog.CountAsync(e => e.ActorSubject == Support.Subject || e.ActorSubject == Viewer.Subject, Cancellation));
    }

    [Theory]
    [InlineData("", null, "Give the key a name")]
    [InlineData("   ", null, "Give the key a name")]
    [InlineData("x", 0, "between 1 and")]
    [InlineData("x", -5, "between 1 and")]
    public async Task RequireANameAndASensibleRate(string name, int? rate, string message)
    {
        var keys = NewInstance();
        var before = await keys.ListAsync(Cancellation);

        var refused = await Assert.ThrowsAsync<UsageApiKeyException>(() => keys.CreateAsync(Admin, name, rate, Cancellation));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, await keys.ListAsync(Cancellation));
    }

    [Theory]
    [InlineData("")]
    [InlineData("too short")]
    public async Task RequireAReasonToRevoke(string reason)
    {
        var keys = NewInstance();
        var created = await keys.CreateAsync(Admin, "Needs a reason", null, Cancellation);

        var refused = await Assert.ThrowsAsync<UsageApiKeyException>(() => keys.RevokeAsync(Admin, created.Key.Id, reason, Cancellation));

        Assert.Contains("at least 10", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(await keys.AuthenticateAsync(created.Secret, Cancellation));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => keys.RevokeAsync(Admin, Guid.CreateVersion7(), Why, Cancellation));
    }

    [Fact]
    public async Task RecordTheLastUseAtMostOnceAMinute()
    {
        var keys = NewInstance();
        var created = await keys.CreateAsync(Admin, "Busy key", null, Cancellation);
        var key = (await keys.AuthenticateAsync(created.Secret, Cancellation))!;
        var first = clock.GetUtcNow().UtcDateTime;

        await keys.MarkUsedAsync(key, Cancellation);
        clock.Advance(TimeSpan.FromSeconds(59));
        await keys.MarkUsedAsync(key, Cancellation);
        var afterSecond = await LastUsedAsync(created.Key.Id);
        clock.Advance(TimeSpan.FromSeconds(1));
        await keys.MarkUsedAsync(key, Cancellation);

        Assert.Equal(first, afterSecond);
        Assert.Equal(first.AddMinutes(1), await LastUsedAsync(created.Key.Id));
    }

    private async Task<DateTime?> LastUsedAsync(Guid key)
    {
        await using var db = database.CreateContext();
        var at = await db.UsageApiKeys.Where(k => k.Id == key).Select(k => k.LastUsedAt).SingleAsync(Cancellation);
        return at is { } value ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : null;
    }

    private async Task<List<AuditEntry>> AuditAsync(string action, Guid key)
    {
        await using var db = database.CreateContext();
        var entries = await db.AuditLog.Where(e => e.Action == action).ToListAsync(Cancellation);
        return [.. entries.Where(e => e.After?.Contains(key.ToString(), StringComparison.Ordinal) == true)];
    }
}

public sealed class UsageApiKeysShouldOnSqlite(SqliteDatabase database)
    : UsageApiKeysShould(database), IClassFixture<SqliteDatabase>;

public sealed class UsageApiKeysShouldOnPostgres(PostgresDatabase database)
    : UsageApiKeysShould(database), IClassFixture<PostgresDatabase>;
