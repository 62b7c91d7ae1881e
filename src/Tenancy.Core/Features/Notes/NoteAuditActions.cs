namespace Tenancy.Core.Features.Notes;

/// <summary>Audit actions of tenant notes, each written in the same transaction as the change.</summary>
public static class NoteAuditActions
{
    public const string Added = "note.added";
    public const string Pinned = "note.pinned";
    public const string Unpinned = "note.unpinned";
    public const string Deleted = "note.deleted";
}
