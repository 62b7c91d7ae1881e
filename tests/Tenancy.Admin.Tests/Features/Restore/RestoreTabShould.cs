using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Admin.Features.Restore;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Admin.Tests.Features.Restore;

/// <summary>The tenant page's Restore tab on a real (SQLite) database with real captured changes.</summary>
public sealed class RestoreTabShould : PortalTestContext
{
    private const string Reason = "Undo the bad CSV import of this morning";

    public RestoreTabShould()
    {
        // The change log is stamped by the database's clock: the portal's clock must agree.
        Clock.SetUtcNow(DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task PreviewConfirmAndRunARestoreThenShowItDoneInTheHistory()
    {
        SignInAs("Ada Admin", StaffRole.Admin);
        var (tenant, moment) = await TenantWithABadImportAsync();
        var cut = RenderPanel(tenant);

        cut.WaitForAssertion(() => Assert.Contains("Restorable to any moment since", cut.Find("[data-testid=restore-window]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal("6", cut.Find("[data-testid=restore-activity]").GetAttribute("data-total"));
        cut.Find("input[data-testid=restore-moment]").Change(moment.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        await cut.Find("button[data-testid=restore-preview-button]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=restore-preview]")), Wait);
        var projects = cut.Find("[data-testid=preview-row][data-table=projects]");
        Assert.Equal("3", projects.QuerySelector("[data-testid=preview-deleted]")!.TextContent);
        Assert.Equal("1", projects.QuerySelector("[data-testid=preview-reinserted]")!.TextContent);
        Assert.Contains(cut.FindAll("[data-testid=preview-sample]"), s => s.TextContent.Contains("Put back", StringComparison.Ordinal));

        var open = cut.Find("button[data-testid=restore-open-dialog]").ClickAsync(new());
        Dialogs.WaitForAssertion(() => Assert.NotEmpty(Dialogs.FindAll("[data-testid=restore-dialog]")), Wait);
        Assert.True(Dialogs.Find("button[data-testid=restore-submit]").HasAttribute("disabled"));
        Dialogs.Find("input[data-testid=restore-slug]").Input("acme-wrong");
        Dialogs.Find("textarea[data-testid=restore-reason]").Input(Reason);
        Dialogs.WaitForAssertion(() => Assert.Contains("That is not the tenant's slug.", Dialogs.Markup, StringComparison.Ordinal), Wait);
        Assert.True(Dialogs.Find("button[data-testid=restore-submit]").HasAttribute("disabled"));
        Dialogs.Find("input[data-testid=restore-slug]").Input(tenant.Slug);
        Dialogs.WaitForAssertion(() => Assert.False(Dialogs.Find("button[data-testid=restore-submit]").HasAttribute("disabled")), Wait);
        await Dialogs.Find("button[data-testid=restore-submit]").ClickAsync(new());
        await open;

        cut.WaitForAssertion(() => Assert.Equal("queued", cut.Find("[data-testid=restore-active]").GetAttribute("data-state")), Wait);
        Assert.Equal("queued", cut.Find("[data-testid=restore-job]").GetAttribute("data-state"));
        Assert.True(cut.Find("button[data-testid=restore-preview-button]").HasAttribute("disabled"));

        await Services.GetRequiredService<RestoreJobRunner>().DrainAsync(Cancel);
        Clock.Advance(TenantRestorePanel.PollInterval);

        cut.WaitForAssertion(() => Assert.Equal("succeeded", cut.Find("[data-testid=restore-job]").GetAttribute("data-state")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=restore-active]"));
        Assert.Contains("3 deleted, 1 put back, 0 changed back", cut.Find("[data-testid=restore-job-counts]").TextContent, StringComparison.Ordinal);
        Assert.Single(cut.FindAll("button[data-testid=restore-undo]"));
        Snackbars.WaitForAssertion(() => Assert.Contains("Restore done", Snackbars.Markup, StringComparison.Ordinal), Wait);
        Assert.Equal(2, await ProjectCountAsync(tenant.Id));
    }

    [Fact]
    public async Task ShowSupportTheWindowActivityAndHistoryButNoRestoreControls()
    {
        var (tenant, _) = await TenantWithABadImportAsync();
        var cut = RenderPanel(tenant);

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=restore-window]")), Wait);
        Assert.NotEmpty(cut.FindAll("[data-testid=restore-read-only]"));
        Assert.NotEmpty(cut.FindAll("[data-testid=restore-activity]"));
        Assert.NotEmpty(cut.FindAll("[data-testid=restore-history-empty]"));
        Assert.Empty(cut.FindAll("[data-testid=restore-moment]"));
        Assert.Empty(cut.FindAll("[data-testid=restore-preview-button]"));
    }

    [Fact]
    public async Task UndoTheLatestRestoreAfterPreviewingIt()
    {
        SignInAs("Ada Admin", StaffRole.Admin);
        var (tenant, moment) = await TenantWithABadImportAsync();
        var service = Services.GetRequiredService<RestoreService>();
        var runner = Services.GetRequiredService<RestoreJobRunner>();
        await service.RequestAsync(Ada, new RestoreRequest(tenant.Id, moment, Reason, tenant.Slug), Cancel);
        await runner.DrainAsync(Cancel);
        Clock.SetUtcNow(DateTimeOffset.UtcNow);
        var cut = RenderPanel(tenant);

        var open = cut.WaitForElement("button[data-testid=restore-undo]", Wait).ClickAsync(new());
        Dialogs.WaitForAssertion(() => Assert.Contains("Undo restore", Dialogs.Markup, StringComparison.Ordinal), Wait);
        Assert.Equal("3", Dialogs.Find("[data-testid=preview-row][data-table=projects] [data-testid=preview-reinserted]").TextContent);
        Dialogs.Find("input[data-testid=restore-slug]").Input(tenant.Slug);
        Dialogs.Find("textarea[data-testid=restore-reason]").Input("The customer wanted the import after all");
        await Dialogs.WaitForElement("button[data-testid=restore-submit]:not([disabled])", Wait).ClickAsync(new());
        await open;
        await runner.DrainAsync(Cancel);
        Clock.Advance(TenantRestorePanel.PollInterval);

        cut.WaitForAssertion(() => Assert.Equal(["succeeded", "succeeded"], cut.FindAll("[data-testid=restore-job]").Select(j => j.GetAttribute("data-state"))), Wait);
        Assert.Equal("undo", cut.FindAll("[data-testid=restore-job]")[0].GetAttribute("data-kind"));
        Assert.Equal(4, await ProjectCountAsync(tenant.Id));
    }

    private IRenderedComponent<TenantRestorePanel> RenderPanel(Tenant tenant) =>
        Render<TenantRestorePanel>(p => p.Add(x => x.TenantId, tenant.Id));

    /// <summary>A tenant with two projects at the returned moment; after it three projects imported and one original deleted.</summary>
    private async Task<(Tenant Tenant, DateTime Moment)> TenantWithABadImportAsync()
    {
        var tenant = Database.AddTenants("Acme Imports").Single();
        var now = DateTime.UtcNow;
        await using (var db = Database.CreateDbContext())
        {
            db.Projects.AddRange(Project(tenant, "Original 1", now), Project(tenant, "Original 2", now));
            await db.SaveChangesAsync(Cancel);
        }

        await Task.Delay(20, Cancel);
        var moment = DateTime.UtcNow;
        moment = moment.AddTicks(-(moment.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(1);
        while (DateTime.UtcNow <= moment.AddMilliseconds(20))
        {
            await Task.Delay(20, Cancel);
        }

        await using (var db = Database.CreateDbContext())
        {
            db.Projects.AddRange(Project(tenant, "Imported 1", now), Project(tenant, "Imported 2", now), Project(tenant, "Imported 3", now));
            db.Projects.Remove(await db.Projects.SingleAsync(p => p.TenantId == tenant.Id && p.Name == "Original 1", Cancel));
            await db.SaveChangesAsync(Cancel);
        }

        Clock.SetUtcNow(DateTimeOffset.UtcNow);
        return (tenant, moment);
    }

    private static Project Project(Tenant tenant, string name, DateTime at) => new() { TenantId = tenant.Id, Name = name, CreatedAt = at, UpdatedAt = at };

    private async Task<int> ProjectCountAsync(Guid tenant)
    {
        await using var db = Database.CreateDbContext();
        return await db.Projects.CountAsync(p => p.TenantId == tenant, Cancel);
    }
}
