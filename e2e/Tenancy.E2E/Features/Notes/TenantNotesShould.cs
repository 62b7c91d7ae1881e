using Tenancy.Core.Features.Plans;
using Tenancy.E2E.Hosting;
using Tenancy.E2E.Pages;
using static Microsoft.Playwright.Assertions;
using Tenant = Tenancy.Core.Features.Tenants.Tenant;
using TenantStatus = Tenancy.Core.Features.Tenants.TenantStatus;

namespace Tenancy.E2E.Features.Notes;

/// <summary>A support agent writes notes on a tenant and pins one, which then heads the tenant page on every tab.</summary>
[Collection(NotesCollection.Name)]
public sealed class TenantNotesShould(PortalFixture portal)
{
    /// <summary>This test's own tenant, so the other tests' pages and screenshots show no note.</summary>
    private static readonly Tenant Plover = new()
    {
        Id = Guid.Parse("01950c3a-7d2e-7b41-9c3e-5a2f0e2eb021"),
        Name = "Plover Logistics",
        Slug = "plover-logistics",
        OwnerName = "Maren Okafor",
        OwnerEmail = "maren.okafor@plover-logistics.example",
        Status = TenantStatus.Active,
        PlanId = PlanCatalog.Professional,
        Region = "eu-west",
        CreatedAt = new DateTime(2024, 3, 11, 8, 20, 0, DateTimeKind.Utc),
        UpdatedAt = new DateTime(2025, 10, 6, 13, 45, 0, DateTimeKind.Utc),
    };

    [Fact]
    public async Task AddANotePinItAndShowItInTheHeaderOnEveryTab()
    {
        const string context = "Asked for an invoice in EUR (ticket SUP-5120); finance is on it.";
        const string pinned = "Migrating off the v1 API until March: call Maren before suspending or lowering quotas (ticket SUP-5102).";
        await portal.AddTenantAsync(Plover);
        await using var session = await portal.NewSessionAsync();
        var tenant = await new TenantPage(session.Page).GotoAsync(Plover.Id);
        await Expect(tenant.Heading).ToHaveTextAsync(Plover.Name);

        var notes = await TenantNotesTab.OpenAsync(tenant);
        await Expect(session.Page.GetByTestId("notes-empty")).ToBeVisibleAsync();
        await notes.AddAsync(pinned);
        await notes.AddAsync(context);
        await Expect(notes.Notes.First).ToContainTextAsync(context); // newest first
        await Expect(notes.PinnedInHeader).ToHaveCountAsync(0);

        await notes.PinAsync(pinned);

        await Expect(notes.PinnedInHeader).ToContainTextAsync(pinned);
        await Expect(notes.Notes.First).ToContainTextAsync(pinned); // the pinned note first
        await tenant.Tab("Overview").ClickAsync();
        await Expect(tenant.Fact("Slug")).ToHaveTextAsync(Plover.Slug);
        await Expect(notes.PinnedInHeader).ToContainTextAsync(pinned);
        await Expect(notes.PinnedInHeader).ToContainTextAsync("Sam Support");
        await session.Page.Mouse.MoveAsync(0, 0); // no hover halo on the tab just clicked
        await Expect(session.Page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 20_000 }); // "Note added" and "Note pinned" gone
        await Screenshots.TakeAsync(session.Page, "tenant-pinned-note-1280x800.png");

        await tenant.Tab("Audit history").ClickAsync();
        await Expect(session.Page.GetByTestId("audit-table")).ToContainTextAsync("note.pinned");
        await Expect(session.Page.GetByTestId("audit-table")).ToContainTextAsync("note.added");
        await Expect(notes.PinnedInHeader).ToContainTextAsync(pinned);

        // A reload reads the pin back from the database.
        await session.Page.ReloadAsync();
        await tenant.WaitUntilReadyAsync();
        await Expect(notes.PinnedInHeader).ToContainTextAsync(pinned);
        Assert.Empty(session.BrowserErrors);
    }
}
