using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Notes;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Tests.Infrastructure;
using static Tenancy.Core.Tests.Features.Quotas.QuotaTestData;

namespace Tenancy.Core.Tests.Features.Notes;

/// <summary>Notes on a tenant: who writes, pins and deletes them, what the database keeps to one pinned note, what is audited.</summary>
public abstract class TenantNoteServiceShould(TestDatabase database)
{
    private const string CallFirst = "Customer is migrating off v1 until March: call Dana before suspending.";
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private TenantNoteService Notes => new(database.ContextFactory, new AuditLog(database.ContextFactory, clock), clock);

    [Fact]
    public async Task AddATrimmedNoteWithItsAuthorAndTimeAndAuditIt()
    {
        var tenant = await CreateTenantAsync(database);

        var note = await Notes.AddAsync(Support, tenant, "  " + CallFirst + "\n ", Cancellation);

        Assert.Equal((CallFirst, Support.Subject, Support.Name, clock.GetUtcNow().UtcDateTime, false), (note.Text, note.AuthorSubject, note.AuthorName, note.CreatedAt, note.Pinned));
        var listed = Assert.Single((await Notes.ListAsync(tenant, Cancellation)).Notes);
        Assert.Equal((note.Id, CallFirst), (listed.Id, listed.Text));
        var audit = Assert.Single(await AuditAsync(tenant));
        Assert.Equal((NoteAuditActions.Added, Support.Subject), (audit.Action, audit.ActorSubject));
        Assert.Null(audit.Before);
        Assert.Contains(CallFirst, audit.After, StringComparison.Ordinal);
        Assert.Contains(note.Id.ToString(), audit.After, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "Write the note first.")]
    [InlineData(-1, "Write the note first.")]
    [InlineData(TenantNote.TextMaxLength + 1, "at most 2,000 characters (2,001 now)")]
    public async Task RefuseAnEmptyOrTooLongNoteAndChangeNothing(int length, string message)
    {
        var tenant = await CreateTenantAsync(database);
        var text = length < 0 ? " \n\t " : new string('x', length);

        var error = await Assert.ThrowsAsync<NoteValidationException>(() => Notes.AddAsync(Support, tenant, text, Cancellation));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Empty((await Notes.ListAsync(tenant, Cancellation)).Notes);
        Assert.Empty(await AuditAsync(tenant));
    }

    [Fact]
    public async Task TakeANoteOfTheLongestLengthEvenWithSpacesAroundIt()
    {
        var tenant = await CreateTenantAsync(database);
        var longest = "a" + new string('b', TenantNote.TextMaxLength - 2) + "c";

        var note = await Notes.AddAsync(Support, tenant, "   " + longest + "   ", Cancellation);

        Assert.Equal(longest, (await Notes.ListAsync(tenant, Cancellation)).Notes.Single(n => n.Id == note.Id).Text);
    }

    [Fact]
    public async Task PinANoteReplaceItWithAnotherAndUnpinIt()
    {
        var tenant = await CreateTenantAsync(database);
        var first = await Notes.AddAsync(Support, tenant, CallFirst, Cancellation);
        clock.Advance(TimeSpan.FromMinutes(1));
        var second = await Notes.AddAsync(Admin, tenant, "Legal hold: do not delete any data.", Cancellation);
        clock.Advance(TimeSpan.FromMinutes(1));

        await Notes.PinAsync(Support, tenant, first.Id, Cancellation);
        var afterFirstPin = await Notes.ListAsync(tenant, Cancellation);
        Assert.Equal(first.Id, afterFirstPin.Pinned?.Id);
        Assert.Equal([first.Id, second.Id], afterFirstPin.Notes.Select(n => n.Id)); // pinned first, then newest first
        Assert.Equal(Support.Name, afterFirstPin.Pinned!.PinnedBy);

        clock.Advance(TimeSpan.FromMinutes(1));
        await Notes.PinAsync(Admin, tenant, second.Id, Cancellation);
        var replaced = await Notes.ListAsync(tenant, Cancellation);
        Assert.Equal(second.Id, replaced.Pinned?.Id);
        Assert.Single(replaced.Notes, n => n.Pinned);
        Assert.Equal(second.Id, (await Notes.GetPinnedAsync(tenant, Cancellation))?.Id);

        clock.Advance(TimeSpan.FromMinutes(1));
        await Notes.UnpinAsync(Support, tenant, second.Id, Cancellation);
        var unpinned = await Notes.ListAsync(tenant, Cancellation);
        Assert.Null(unpinned.Pinned);
        Assert.Null(await Notes.GetPinnedAsync(tenant, Cancellation));
        Assert.Equal([second.Id, first.Id], unpinned.Notes.Select(n => n.Id));

        var audit = await AuditAsync(tenant);
        Assert.Equal([NoteAuditActions.Added, NoteAuditActions.Added, NoteAuditActions.Pinned, NoteAuditActions.Pinned, NoteAuditActions.Unpinned], audit.Select(a => a.Action));
        Assert.Contains(CallFirst, audit[3].Before, StringComparison.Ordinal); // the replacement names the note it unpinned
        Assert.Contains("Legal hold", audit[3].After, StringComparison.Ordinal);
        Assert.Contains("Legal hold", audit[4].Before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaySoWhenTheNoteIsAlreadyPinnedOrNoLongerPinned()
    {
        var tenant = await CreateTenantAsync(database);
        var note = await Notes.AddAsync(Support, tenant, CallFirst, Cancellation);
        await Notes.PinAsync(Admin, tenant, note.Id, Cancellation);

        var twice = await Assert.ThrowsAsync<NoteConflictException>(() => Notes.PinAsync(Support, tenant, note.Id, Cancellation));
        Assert.Equal("That note is already pinned (by Ada Admin at 2026-12-03 09:00 UTC).", twice.Message);

        await Notes.UnpinAsync(Admin, tenant, note.Id, Cancellation);
        await Assert.ThrowsAsync<NoteConflictException>(() => Notes.UnpinAsync(Support, tenant, note.Id, Cancellation));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Notes.PinAsync(Support, tenant, Guid.CreateVersion7(), Cancellation));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Notes.AddAsync(Support, Guid.CreateVersion7(), CallFirst, Cancellation));
        Assert.Equal([NoteAuditActions.Added, NoteAuditActions.Pinned, NoteAuditActions.Unpinned], (await AuditAsync(tenant)).Select(a => a.Action));
    }

    [Fact]
    public async Task LeaveOnePinnedNoteWhenSomeoneElsePinsAtTheSameMoment()
    {
        var tenant = await CreateTenantAsync(database);
        var theirs = await Notes.AddAsync(Admin, tenant, "Legal hold: do not delete any data.", Cancellation);
        var mine = await Notes.AddAsync(Support, tenant, CallFirst, Cancellation);

        // Ada's pin is written but not committed when Sam's pin starts.
        await using var other = database.CreateContext();
        await using var otherTransaction = await other.Database.BeginTransactionAsync(Cancellation);
        await other.Database.ExecuteSqlAsync(
            $"UPDATE tenant_notes SET pinned = {true}, pinned_by = {Admin.Name} WHERE tenant_id = {tenant} AND id = {theirs.Id}", Cancellation);
        var pinning = Notes.PinAsync(Support, tenant, mine.Id, Cancellation);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            await WaitUntilBlockedAsync(pinning);
        }

        await otherTransaction.CommitAsync(Cancellation);

        // PostgreSQL: both read "nothing pinned"; the unique index refuses the second pin when the
        // first commits. SQLite: one writer at a time, so the second is refused while the first writes.
        var conflict = await Assert.ThrowsAsync<NoteConflictException>(() => pinning);
        Assert.StartsWith(
            database.Provider == DatabaseProvider.Postgres
                ? "Ada Admin pinned another note at the same moment: \"Legal hold: do not delete any data.\""
                : "Someone else was changing this tenant's notes at the same moment; nothing was changed.",
            conflict.Message, StringComparison.Ordinal);
        Assert.Equal(theirs.Id, (await Notes.GetPinnedAsync(tenant, Cancellation))?.Id);
        Assert.Single((await Notes.ListAsync(tenant, Cancellation)).Notes, n => n.Pinned);
    }

    [Fact]
    public async Task NeverLeaveTwoPinnedNotesWhenStaffPinAtOnce()
    {
        var tenant = await CreateTenantAsync(database);
        var notes = new List<TenantNote>();
        for (var i = 0; i < 4; i++)
        {
            notes.Add(await Notes.AddAsync(Support, tenant, $"Note {i}", Cancellation));
        }

        for (var round = 0; round < 6; round++)
        {
            var pins = new[] { notes[round % 4], notes[(round + 1) % 4] }
                .Select(n => Task.Run(() => Notes.PinAsync(round % 2 == 0 ? Support : Admin, tenant, n.Id, Cancellation), Cancellation))
                .ToList();
            foreach (var pin in pins)
            {
                try
                {
                    await pin;
                }
                catch (NoteConflictException)
                {
                    // The other pin won; that is what its message says.
                }
            }

            await using var db = database.CreateContext();
            Assert.Equal(1, await db.TenantNotes.CountAsync(n => n.TenantId == tenant && n.Pinned, Cancellation));
        }
    }

    [Fact]
    public async Task LetAViewerReadNotesAndRefuseEveryChangeOnTheServer()
    {
        var tenant = await CreateTenantAsync(database);
        var note = await Notes.AddAsync(Support, tenant, CallFirst, Cancellation);
        var auditBefore = (await AuditAsync(tenant)).Count;

        Assert.Equal(StaffCapability.WriteNotes, (await Assert.ThrowsAsync<StaffForbiddenException>(() => Notes.AddAsync(Viewer, tenant, "Viewer note", Cancellation))).Capability);
        await Assert.ThrowsAsync<StaffForbiddenException>(() => Notes.PinAsync(Viewer, tenant, note.Id, Cancellation));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => Notes.UnpinAsync(Viewer, tenant, note.Id, Cancellation));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => Notes.DeleteAsync(Viewer, tenant, note.Id, Cancellation));

        var listed = Assert.Single((await Notes.ListAsync(tenant, Cancellation)).Notes);
        Assert.False(listed.Pinned);
        Assert.Equal(auditBefore, (await AuditAsync(tenant)).Count);
    }

    [Fact]
    public async Task DeleteOnlyOnesOwnNoteUnlessAdminAndKeepItMarkedForTheAuditTrail()
    {
        var tenant = await CreateTenantAsync(database);
        var adas = await Notes.AddAsync(Admin, tenant, "Legal hold: do not delete any data.", Cancellation);
        var sams = await Notes.AddAsync(Support, tenant, CallFirst, Cancellation);
        await Notes.PinAsync(Support, tenant, sams.Id, Cancellation);
        clock.Advance(TimeSpan.FromMinutes(5));

        var refused = await Assert.ThrowsAsync<StaffForbiddenException>(() => Notes.DeleteAsync(Support, tenant, adas.Id, Cancellation));
        Assert.Equal(StaffCapability.DeleteAnyNote, refused.Capability);

        await Notes.DeleteAsync(Support, tenant, sams.Id, Cancellation); // his own, pinned: unpinned with it
        await Notes.DeleteAsync(Admin, tenant, adas.Id, Cancellation);

        var left = await Notes.ListAsync(tenant, Cancellation);
        Assert.Empty(left.Notes);
        Assert.Null(await Notes.GetPinnedAsync(tenant, Cancellation));
        await using (var db = database.CreateContext())
        {
            var kept = await db.TenantNotes.AsNoTracking().Where(n => n.TenantId == tenant).OrderBy(n => n.AuthorName).ToListAsync(Cancellation);
            Assert.Equal([("Ada Admin", "Ada Admin"), ("Sam Support", "Sam Support")], kept.Select(n => (n.AuthorName, n.DeletedBy!)));
            Assert.All(kept, n => Assert.Equal(clock.GetUtcNow().UtcDateTime, n.DeletedAt));
            Assert.All(kept, n => Assert.False(n.Pinned));
        }

        await Assert.ThrowsAsync<NoteConflictException>(() => Notes.DeleteAsync(Admin, tenant, sams.Id, Cancellation));
        await Assert.ThrowsAsync<NoteValidationException>(() => Notes.PinAsync(Admin, tenant, sams.Id, Cancellation));
        var deletions = (await AuditAsync(tenant)).Where(a => a.Action == NoteAuditActions.Deleted).ToList();
        Assert.Equal([Support.Subject, Admin.Subject], deletions.Select(a => a.ActorSubject));
        Assert.Contains(CallFirst, deletions[0].Before, StringComparison.Ordinal);
        Assert.Contains("\"pinned\":true", deletions[0].Before, StringComparison.Ordinal);
        Assert.Null(deletions[0].After);
    }

    [Fact]
    public void LetTheAuthorAndAnAdminDeleteANote()
    {
        var note = new TenantNote { Text = CallFirst, AuthorSubject = Support.Subject, AuthorName = Support.Name };
        var otherSupport = Support with { Subject = "sub-sue", Name = "Sue Support" };

        Assert.True(TenantNoteService.CanDelete(Support, note));
        Assert.True(TenantNoteService.CanDelete(Admin, note));
        Assert.False(TenantNoteService.CanDelete(otherSupport, note));
        Assert.False(TenantNoteService.CanDelete(Viewer with { Subject = Support.Subject }, note));
    }

    private async Task<List<AuditEntry>> AuditAsync(Guid tenantId)
    {
        await using var db = database.CreateContext();
        var entries = await db.AuditLog.AsNoTracking().Where(e => e.TenantId == tenantId).ToListAsync(Cancellation);
        return [.. entries.OrderBy(e => e.OccurredAt).ThenBy(e => e.Id)];
    }

    /// <summary>Returns once <paramref name="pinning"/> waits for another transaction's lock (it shows in pg_stat_activity).</summary>
    private async Task WaitUntilBlockedAsync(Task pinning)
    {
        var postgres = (PostgresDatabase)database;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !pinning.IsCompleted)
        {
            var waiting = await postgres.QueryAsync(
                $"SELECT pid::text FROM pg_stat_activity WHERE datname = '{postgres.Name}' AND wait_event_type = 'Lock'");
            if (waiting.Count > 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), Cancellation);
        }

        Assert.Fail(pinning.IsCompleted ? $"The pin did not wait for the other transaction: {pinning.Status}, {pinning.Exception?.GetBaseException().Message}" : "The pin never waited on a lock.");
    }
}

public sealed class TenantNoteServiceShouldOnPostgres(PostgresDatabase database)
    : TenantNoteServiceShould(database), IClassFixture<PostgresDatabase>;

public sealed class TenantNoteServiceShouldOnSqlite(SqliteDatabase database)
    : TenantNoteServiceShould(database), IClassFixture<SqliteDatabase>;
