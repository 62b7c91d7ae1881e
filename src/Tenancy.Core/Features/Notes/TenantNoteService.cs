using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Staff;

namespace Tenancy.Core.Features.Notes;

/// <summary>A tenant's notes for the portal: the pinned one first, then the others newest first.</summary>
public sealed record TenantNotes(Guid TenantId, IReadOnlyList<TenantNote> Notes, bool Truncated)
{
    public TenantNote? Pinned => Notes.FirstOrDefault(n => n.Pinned);
}

/// <summary>A note that cannot be written or changed as asked (empty, too long, deleted); nothing was changed.</summary>
public sealed class NoteValidationException(string message) : Exception(message);

/// <summary>Someone else changed the tenant's pinned note first; nothing was changed.</summary>
public sealed class NoteConflictException(string message) : Exception(message);

/// <summary>
/// Staff notes on a tenant. Everyone who may view a tenant reads them; Support and Admin
/// (<see cref="StaffCapability.WriteNotes"/>) add notes, pin one (replacing the pinned one) and
/// unpin it, and delete their own; an Admin (<see cref="StaffCapability.DeleteAnyNote"/>) deletes
/// anyone's. A deletion is soft: the note is marked deleted and hidden, its text stays in the
/// table and in the audit entry. Every change is audited in its transaction. One pinned note per
/// tenant is the database's rule (a unique partial index), so two staff pinning at the same
/// moment cannot leave two; the one who loses is told who won.
/// </summary>
public sealed class TenantNoteService(IDbContextFactory<TenancyDbContext> contextFactory, AuditLog audit, TimeProvider clock)
{
    /// <summary>The most notes <see cref="ListAsync"/> returns (the pinned one and the newest).</summary>
    public const int ListLimit = 200;

    /// <summary>Checks a note's text as typed; null when it can be saved.</summary>
    public static string? Validate(string? text)
    {
        var length = text?.Trim().Length ?? 0;
        if (length == 0)
        {
            return "Write the note first.";
        }

        return length > TenantNote.TextMaxLength
            ? $"A note can be at most {TenantNote.TextMaxLength:N0} characters ({length:N0} now)."
            : null;
    }

    /// <summary>Whether <paramref name="actor"/> may delete <paramref name="note"/>: their own with <see cref="StaffCapability.WriteNotes"/>, anyone's with <see cref="StaffCapability.DeleteAnyNote"/>.</summary>
    public static bool CanDelete(StaffActor actor, TenantNote note)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(note);
        return actor.Can(StaffCapability.DeleteAnyNote)
            || (actor.Can(StaffCapability.WriteNotes) && string.Equals(note.AuthorSubject, actor.Subject, StringComparison.Ordinal));
    }

    /// <summary>The tenant's notes that are not deleted: the pinned one first, then newest first, at most <see cref="ListLimit"/>.</summary>
    public async Task<TenantNotes> ListAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var notes = await db.TenantNotes.AsNoTracking()
            .Where(n => n.TenantId == tenantId && n.DeletedAt == null)
            .OrderByDescending(n => n.Pinned).ThenByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Take(ListLimit + 1)
            .ToListAsync(cancellationToken);
        var truncated = notes.Count > ListLimit;
        return new TenantNotes(tenantId, truncated ? notes[..ListLimit] : notes, truncated);
    }

    /// <summary>The tenant's pinned note, or null: what the tenant page's header shows.</summary>
    public async Task<TenantNote?> GetPinnedAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await PinnedAsync(db, tenantId, cancellationToken);
    }

    /// <summary>Adds a note, not pinned.</summary>
    /// <exception cref="StaffForbiddenException">The actor may not write notes.</exception>
    /// <exception cref="NoteValidationException">Empty or too long.</exception>
    /// <exception cref="KeyNotFoundException">No such tenant.</exception>
    public async Task<TenantNote> AddAsync(StaffActor actor, Guid tenantId, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.WriteNotes);
        if (Validate(text) is { } error)
        {
            throw new NoteValidationException(error);
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, cancellationToken))
        {
            throw new KeyNotFoundException($"No tenant {tenantId}.");
        }

        var note = new TenantNote
        {
            TenantId = tenantId,
            Text = text.Trim(),
            AuthorSubject = actor.Subject,
            AuthorName = actor.Name,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.TenantNotes.Add(note);
        audit.Record(db, actor, NoteAuditActions.Added, tenantId, before: null, after: new { NoteId = note.Id, note.Text });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return note;
    }

    /// <summary>Pins the note; the note pinned before, if any, is unpinned in the same transaction.</summary>
    /// <exception cref="StaffForbiddenException">The actor may not write notes.</exception>
    /// <exception cref="NoteValidationException">The note was deleted.</exception>
    /// <exception cref="NoteConflictException">Already pinned, or someone else pinned a note at the same moment.</exception>
    /// <exception cref="KeyNotFoundException">No such note on this tenant.</exception>
    public async Task<TenantNote> PinAsync(StaffActor actor, Guid tenantId, Guid noteId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.WriteNotes);

        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var note = await LoadLiveAsync(db, tenantId, noteId, "pinned", cancellationToken);
            if (note.Pinned)
            {
                throw new NoteConflictException($"That note is already pinned (by {note.PinnedBy} at {note.PinnedAt:yyyy-MM-dd HH:mm} UTC).");
            }

            var previous = await db.TenantNotes.FirstOrDefaultAsync(n => n.TenantId == tenantId && n.Pinned, cancellationToken);
            try
            {
                if (previous is not null)
                {
                    // Unpinned first, in a statement of its own: the index allows one pinned note at any moment.
                    Unpin(previous);
                    await db.SaveChangesAsync(cancellationToken);
                }

                note.Pinned = true;
                note.PinnedAt = clock.GetUtcNow().UtcDateTime;
                note.PinnedBy = actor.Name;
                audit.Record(db, actor, NoteAuditActions.Pinned, tenantId,
                    before: new { PinnedNoteId = previous?.Id, PinnedNote = previous?.Text },
                    after: new { PinnedNoteId = (Guid?)note.Id, PinnedNote = note.Text });
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return note;
            }
            catch (DbUpdateException ex) when (!IsSqliteBusy(ex))
            {
                // The one-pinned index: another pin committed between our read and our write.
                await using var fresh = await contextFactory.CreateDbContextAsync(cancellationToken);
                if (await PinnedAsync(fresh, tenantId, cancellationToken) is { } winner && winner.Id != noteId)
                {
                    throw new NoteConflictException(
                        $"{winner.PinnedBy} pinned another note at the same moment: \"{Excerpt(winner.Text)}\". " +
                        "It stays pinned; pin yours again if it should replace it.");
                }

                throw new InvalidOperationException("Pinning the note failed.", ex);
            }
        }
        catch (Exception ex) when (IsSqliteBusy(ex))
        {
            // SQLite has one writer: another change to the database was being written at that moment.
            throw new NoteConflictException("Someone else was changing this tenant's notes at the same moment; nothing was changed. Look at the notes again and retry.");
        }
    }

    /// <summary>Unpins the note; the tenant then has no pinned note.</summary>
    /// <exception cref="StaffForbiddenException">The actor may not write notes.</exception>
    /// <exception cref="NoteValidationException">The note was deleted.</exception>
    /// <exception cref="NoteConflictException">The note is not pinned (any more).</exception>
    /// <exception cref="KeyNotFoundException">No such note on this tenant.</exception>
    public async Task UnpinAsync(StaffActor actor, Guid tenantId, Guid noteId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.WriteNotes);

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var note = await LoadLiveAsync(db, tenantId, noteId, "unpinned", cancellationToken);
        if (!note.Pinned)
        {
            throw new NoteConflictException("That note is not pinned any more: someone unpinned it or pinned another one meanwhile.");
        }

        Unpin(note);
        audit.Record(db, actor, NoteAuditActions.Unpinned, tenantId,
            before: new { PinnedNoteId = (Guid?)note.Id, PinnedNote = note.Text },
            after: new { PinnedNoteId = (Guid?)null, PinnedNote = (string?)null });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Deletes the note (soft: marked and hidden, kept for the audit trail); a pinned note is unpinned with it.</summary>
    /// <exception cref="StaffForbiddenException">The actor may not write notes, or the note is someone else's and the actor is no Admin.</exception>
    /// <exception cref="NoteConflictException">Already deleted.</exception>
    /// <exception cref="KeyNotFoundException">No such note on this tenant.</exception>
    public async Task DeleteAsync(StaffActor actor, Guid tenantId, Guid noteId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.WriteNotes);

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var note = await db.TenantNotes.FirstOrDefaultAsync(n => n.TenantId == tenantId && n.Id == noteId, cancellationToken)
            ?? throw NotFound(noteId);
        if (note.DeletedAt is { } at)
        {
            throw new NoteConflictException($"That note was already deleted by {note.DeletedBy} at {at:yyyy-MM-dd HH:mm} UTC.");
        }

        if (!CanDelete(actor, note))
        {
            throw new StaffForbiddenException(actor, StaffCapability.DeleteAnyNote);
        }

        var wasPinned = note.Pinned;
        Unpin(note);
        note.DeletedAt = clock.GetUtcNow().UtcDateTime;
        note.DeletedBy = actor.Name;
        audit.Record(db, actor, NoteAuditActions.Deleted, tenantId,
            before: new { NoteId = note.Id, Author = note.AuthorName, note.Text, Pinned = wasPinned },
            after: null);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<TenantNote> LoadLiveAsync(TenancyDbContext db, Guid tenantId, Guid noteId, string verb, CancellationToken cancellationToken)
    {
        var note = await db.TenantNotes.FirstOrDefaultAsync(n => n.TenantId == tenantId && n.Id == noteId, cancellationToken)
            ?? throw NotFound(noteId);
        return note.IsDeleted
            ? throw new NoteValidationException($"That note was deleted by {note.DeletedBy}; it cannot be {verb}.")
            : note;
    }

    private static Task<TenantNote?> PinnedAsync(TenancyDbContext db, Guid tenantId, CancellationToken cancellationToken) =>
        db.TenantNotes.AsNoTracking().FirstOrDefaultAsync(n => n.TenantId == tenantId && n.Pinned, cancellationToken);

    private static bool IsSqliteBusy(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is SqliteException { SqliteErrorCode: 5 or 6 }) // SQLITE_BUSY, SQLITE_LOCKED
            {
                return true;
            }
        }

        return false;
    }

    private static void Unpin(TenantNote note)
    {
        note.Pinned = false;
        note.PinnedAt = null;
        note.PinnedBy = null;
    }

    private static string Excerpt(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= 80 ? line : line[..79] + "…";
    }

    private static KeyNotFoundException NotFound(Guid noteId) => new($"No note {noteId} on this tenant.");
}
