using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Audit;

/// <summary>The append-only audit log: written with the change, never rewritten, read newest first.</summary>
public abstract class AuditLogShould(TestDatabase database)
{
    private static readonly StaffActor Sam = new("sub-sam", "Sam Support", "sam@example.test", new HashSet<StaffRole> { StaffRole.Support });
    private static readonly StaffActor Ada = new("sub-ada", "Ada Admin", "ada@example.test", new HashSet<StaffRole> { StaffRole.Admin });
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private AuditLog Log => new(database.ContextFactory, clock);

    [Fact]
    public async Task RecordWhoWhatWhenAndWhyWithTheChange()
    {
        var tenantId = Guid.CreateVersion7();
        await using (var db = database.CreateContext())
        {
            Log.Record(db, Sam, "test.recorded", tenantId, before: new { Limit = 10 }, after: new { Limit = 20 }, reason: "  Customer upgraded by phone  ");
            await db.SaveChangesAsync(Cancellation);
        }

        var entry = (await Log.BrowseAsync(new AuditQuery { TenantId = tenantId }, Cancellation)).Items.Single();
        Assert.Equal(("sub-sam", "Sam Support", "sam@example.test"), (entry.ActorSubject, entry.ActorName, entry.ActorEmail));
        Assert.Equal("test.recorded", entry.Action);
        Assert.Equal("""{"limit":10}""", entry.Before);
        Assert.Equal("""{"limit":20}""", entry.After);
        Assert.Equal("Customer upgraded by phone", entry.Reason);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, entry.OccurredAt);
        Assert.Equal(DateTimeKind.Utc, entry.OccurredAt.Kind);
        Assert.False(string.IsNullOrEmpty(entry.CorrelationId));
    }

    [Fact]
    public async Task RecordEnumsByNameAndNameTheTenantsOfAPage()
    {
        var tenantId = await new Tenancy.Core.Tests.Features.Restore.RestoreTestData(database).CreateTenantAsync();
        var unknown = Guid.CreateVersion7();
        await using (var db = database.CreateContext())
        {
            Log.Record(db, Sam, "test.suspended", tenantId, before: new { Status = TenantStatus.Active }, after: new { Status = TenantStatus.Suspended });
            Log.Record(db, Sam, "test.gone", unknown);
            await db.SaveChangesAsync(Cancellation);
        }

        var page = await Log.BrowseAsync(new AuditQuery { TenantId = tenantId }, Cancellation);
        var ofUnknown = await Log.BrowseAsync(new AuditQuery { TenantId = unknown }, Cancellation);

        var entry = Assert.Single(page.Items);
        Assert.Equal(("""{"status":"Active"}""", """{"status":"Suspended"}"""), (entry.Before, entry.After));
        Assert.StartsWith("Rewind ", page.TenantNames[tenantId], StringComparison.Ordinal);
        Assert.Single(ofUnknown.Items);
        Assert.Empty(ofUnknown.TenantNames);
    }

    [Fact]
    public async Task LeaveNoEntryWhenTheChangeFails()
    {
        var tenantId = Guid.CreateVersion7();
        await using (var db = database.CreateContext())
        {
            Log.Record(db, Sam, "test.failed-change", tenantId, reason: "This change will not commit");
            db.Tenants.Add(new Tenant
            {
                Name = "Broken", Slug = "broken", OwnerName = "x", OwnerEmail = "x@example.test",
                PlanId = "no-such-plan", Region = "eu-west",
            });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Cancellation));
        }

        Assert.Empty((await Log.BrowseAsync(new AuditQuery { TenantId = tenantId }, Cancellation)).Items);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET reason = 'rewritten history'")]
    [InlineData("DELETE FROM audit_log")]
    public async Task RefuseToChangeOrDeleteEntriesInTheDatabase(string sql)
    {
        var tenantId = Guid.CreateVersion7();
        await using (var db = database.CreateContext())
        {
            Log.Record(db, Ada, "test.protected", tenantId, reason: "Must survive any SQL");
            await db.SaveChangesAsync(Cancellation);
        }

        await using (var db = database.CreateContext())
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync(sql, Cancellation));
            Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        }

        var entry = (await Log.BrowseAsync(new AuditQuery { TenantId = tenantId }, Cancellation)).Items.Single();
        Assert.Equal("Must survive any SQL", entry.Reason);
    }

    [Fact]
    public async Task PageNewestFirstForwardAndBack()
    {
        var tenantId = Guid.CreateVersion7();
        await using (var db = database.CreateContext())
        {
            for (var i = 1; i <= 7; i++)
            {
                Log.Record(db, Sam, $"test.step-{i}", tenantId);
                clock.Advance(TimeSpan.FromMinutes(1));
            }

            await db.SaveChangesAsync(Cancellation);
        }

        var query = new AuditQuery { TenantId = tenantId, PageSize = 3 };
        var first = await Log.BrowseAsync(query, Cancellation);
        var second = await Log.BrowseAsync(query with { Page = PageRequest.After(first.NextCursor!) }, Cancellation);
        var third = await Log.BrowseAsync(query with { Page = PageRequest.After(second.NextCursor!) }, Cancellation);
        var backToSecond = await Log.BrowseAsync(query with { Page = PageRequest.Before(third.PreviousCursor!) }, Cancellation);
        var last = await Log.BrowseAsync(query with { Page = PageRequest.Last }, Cancellation);

        Assert.Equal(["test.step-7", "test.step-6", "test.step-5"], first.Items.Select(e => e.Action));
        Assert.Null(first.PreviousCursor);
        Assert.Equal(["test.step-4", "test.step-3", "test.step-2"], second.Items.Select(e => e.Action));
        Assert.Equal(["test.step-1"], third.Items.Select(e => e.Action));
        Assert.Null(third.NextCursor);
        Assert.Equal(second.Items.Select(e => e.Id), backToSecond.Items.Select(e => e.Id));
        Assert.Equal(["test.step-3", "test.step-2", "test.step-1"], last.Items.Select(e => e.Action));
    }

    [Fact]
    public async Task FilterByActorActionTenantAndTime()
    {
        var tenantA = Guid.CreateVersion7();
        var tenantB = Guid.CreateVersion7();
        var start = clock.GetUtcNow().UtcDateTime;
        await using (var db = database.CreateContext())
        {
            Log.Record(db, Sam, "filter.quota", tenantA);
            clock.Advance(TimeSpan.FromHours(1));
            Log.Record(db, Ada, "filter.quota", tenantB);
            clock.Advance(TimeSpan.FromHours(1));
            Log.Record(db, Ada, "filter.suspend", tenantA);
            await db.SaveChangesAsync(Cancellation);
        }

        async Task<int> Count(AuditQuery query) =>
            (await Log.BrowseAsync(query with { From = start, To = start.AddDays(1) }, Cancellation)).Items.Count(e => e.Action.StartsWith("filter.", StringComparison.Ordinal));

        Assert.Equal(3, await Count(new AuditQuery()));
        Assert.Equal(2, await Count(new AuditQuery { Actor = "ada" }));
        Assert.Equal(2, await Count(new AuditQuery { Actor = "ADA@EXAMPLE" }));
        Assert.Equal(1, await Count(new AuditQuery { Actor = "sub-sam" }));
        Assert.Equal(2, await Count(new AuditQuery { Action = "filter.quota" }));
        Assert.Equal(2, await Count(new AuditQuery { TenantId = tenantA }));
        Assert.Equal(1, await Count(new AuditQuery { Actor = "Ada", TenantId = tenantA }));
        Assert.Equal(0, await Count(new AuditQuery { Actor = "100%_\\" }));
        Assert.Single((await Log.BrowseAsync(new AuditQuery { Action = "filter.quota", From = start.AddMinutes(30), To = start.AddMinutes(90) }, Cancellation)).Items);
    }

    [Fact]
    public async Task RejectAnInvertedTimeRange()
    {
        var start = new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Log.BrowseAsync(new AuditQuery { From = start, To = start }, Cancellation));

        Assert.Contains("start of the time range must be before its end", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("too short", false)]
    [InlineData("   padded   ", false)]
    [InlineData("Customer asked", true)]
    public void RequireAReasonOfTenCharacters(string? reason, bool acceptable) =>
        Assert.Equal(acceptable, AuditLog.ValidateReason(reason) is null);
}

public sealed class AuditLogShouldOnPostgres(PostgresDatabase database)
    : AuditLogShould(database), IClassFixture<PostgresDatabase>
{
    private readonly PostgresDatabase database = database;

    [Fact]
    public async Task RefuseToTruncateTheLog()
    {
        await using var db = database.CreateContext();

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("TRUNCATE audit_log", TestContext.Current.CancellationToken));

        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
    }
}

public sealed class AuditLogShouldOnSqlite(SqliteDatabase database)
    : AuditLogShould(database), IClassFixture<SqliteDatabase>;
