using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.Staff;
using Tenancy.E2E.Hosting;
using Tenancy.E2E.Pages;
using static Microsoft.Playwright.Assertions;
using Tenant = Tenancy.Core.Features.Tenants.Tenant;
using TenantStatus = Tenancy.Core.Features.Tenants.TenantStatus;

namespace Tenancy.E2E.Features.Restore;

/// <summary>
/// A per-tenant point-in-time restore end to end: a bad import deletes projects, an Admin finds
/// it on the Restore tab's activity chart, previews, confirms, sees the projects back, and undoes
/// it; the real worker runs the jobs. Support sees the tab read-only and the service refuses them.
/// </summary>
[Collection(RestoreCollection.Name)]
public sealed class TenantRestoreShould(PortalFixture portal)
{
    private const int Projects = 6;
    private const int DeletedByTheImport = 4;

    /// <summary>This test's own tenant.</summary>
    private static readonly Tenant Heron = new()
    {
        Id = Guid.Parse("01950c3a-7d2e-7b41-9c3e-5a2f0e2eb003"),
        Name = "Heron Data Labs",
        Slug = "heron-data-labs",
        OwnerName = "Ines Carvalho",
        OwnerEmail = "ines.carvalho@heron-data.example",
        Status = TenantStatus.Active,
        PlanId = PlanCatalog.Professional,
        Region = "eu-west",
        CreatedAt = new DateTime(2024, 6, 3, 8, 30, 0, DateTimeKind.Utc),
        UpdatedAt = new DateTime(2025, 3, 14, 12, 0, 0, DateTimeKind.Utc),
    };

    [Fact]
    public async Task LetAnAdminSeeABadImportRestoreTheTenantToBeforeItAndUndoThat()
    {
        await portal.AddTenantAsync(Heron);
        await WriteProjectsTenMinutesAgoAsync();
        await BadImportAsync();
        await using var session = await portal.NewSessionAsync(signedIn: false);
        await new SignInPage(session.Page).SignInAsAsync("Admin");
        var tenant = await new TenantPage(session.Page).GotoAsync(Heron.Id);
        await Expect(tenant.Fact("Projects")).ToHaveTextAsync($"{Projects - DeletedByTheImport}");

        var restore = await TenantRestoreTab.OpenAsync(tenant);
        await restore.ShowPeriodAsync("Last 2 hours, per minute");
        await Expect(restore.Activity).ToHaveAttributeAsync("data-total", $"{Projects + DeletedByTheImport}");
        await Expect(restore.Bars).ToHaveCountAsync(2); // the projects' creation, then the import's deletions
        await restore.Bars.Last.ClickAsync();

        await Expect(restore.Preview).ToBeVisibleAsync();
        await Expect(restore.PreviewRow("projects").GetByTestId("preview-reinserted")).ToHaveTextAsync($"{DeletedByTheImport}");
        await Expect(restore.PreviewRow("projects").GetByTestId("preview-deleted")).ToHaveTextAsync("0");
        await restore.Preview.GetByText($"projects: {DeletedByTheImport} rows of {DeletedByTheImport}").ClickAsync();
        await Expect(restore.Preview.GetByTestId("preview-sample")).ToHaveCountAsync(DeletedByTheImport);
        await Expect(restore.Preview.GetByTestId("preview-sample").First).ToContainTextAsync("Put back");
        await session.Page.SetViewportSizeAsync(1280, 1560); // the chart, the preview and its rows in one picture
        await session.Page.EvaluateAsync("window.scrollTo(0, 0)");
        await session.Page.Mouse.MoveAsync(0, 0);
        await restore.ScreenshotAsync("restore-preview.png");
        await session.Page.SetViewportSizeAsync(1280, 800);
        await restore.OpenDialogButton.ClickAsync();
        await restore.ConfirmAsync(Heron.Slug, "Undo the CSV import that deleted four projects (ticket SUP-5120)");

        await Expect(restore.Jobs.First).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 30_000 });
        await Expect(restore.Jobs.First).ToContainTextAsync("0 deleted, 4 put back, 0 changed back");
        await Expect(restore.UndoButton).ToBeVisibleAsync();
        await session.Page.SetViewportSizeAsync(1280, 1100); // the chart, the moment and the history in one picture
        await session.Page.EvaluateAsync("window.scrollTo(0, 0)");
        await session.Page.Mouse.MoveAsync(0, 0);
        await restore.ScreenshotAsync("restore-done.png");
        await session.Page.SetViewportSizeAsync(1280, 800);
        await tenant.Tab("Overview").ClickAsync();
        await Expect(tenant.Fact("Projects")).ToHaveTextAsync($"{Projects}");

        restore = await TenantRestoreTab.OpenAsync(tenant);
        await restore.UndoButton.ClickAsync();
        await restore.ConfirmAsync(Heron.Slug, "The customer wants the import after all");
        await Expect(restore.Jobs.First).ToHaveAttributeAsync("data-kind", "undo");
        await Expect(restore.Jobs.First).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 30_000 });
        await tenant.Tab("Overview").ClickAsync();
        await Expect(tenant.Fact("Projects")).ToHaveTextAsync($"{Projects - DeletedByTheImport}");
        await Expect(tenant.ErrorBar).ToBeHiddenAsync();
        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task ShowSupportTheHistoryWithoutControlsAndRefuseTheirRestoreOnTheServer()
    {
        await using var session = await portal.NewSessionAsync(); // Support
        var tenant = await new TenantPage(session.Page).GotoAsync(TestTenants.Target.Id);

        var restore = await TenantRestoreTab.OpenAsync(tenant);

        await Expect(restore.ReadOnlyNote).ToBeVisibleAsync();
        await Expect(restore.Moment).ToHaveCountAsync(0);
        await Expect(restore.PreviewButton).ToHaveCountAsync(0);
        await Expect(restore.UndoButton).ToHaveCountAsync(0);

        // What the tab would send if its controls were forged into the page: the service checks the role itself.
        var support = new StaffActor("sam", "Sam Okafor", null, new HashSet<StaffRole> { StaffRole.Support });
        var service = portal.Services.GetRequiredService<RestoreService>();
        var request = new RestoreRequest(TestTenants.Target.Id, DateTime.UtcNow.AddMinutes(-5), "Forged restore from a support session", TestTenants.Target.Slug);
        await Assert.ThrowsAsync<StaffForbiddenException>(() => service.RequestAsync(support, request, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => service.PreviewAsync(support, TestTenants.Target.Id, request.PointInTime, TestContext.Current.CancellationToken));
        Assert.Empty(await service.GetHistoryAsync(TestTenants.Target.Id, TestContext.Current.CancellationToken));
        Assert.Empty(session.BrowserErrors);
    }

    /// <summary>The tenant's projects, written through the capture triggers; their history then moved ten minutes back, as if made earlier.</summary>
    private async Task WriteProjectsTenMinutesAgoAsync()
    {
        await ExecuteAsync(
            $"INSERT INTO projects (tenant_id, id, name, created_at, updated_at) SELECT @tenant, gen_random_uuid(), 'Pipeline ' || g, now(), now() FROM generate_series(1, {Projects}) g");
        // The new time in a sub-select: Citus refuses a STABLE expression of a column in an UPDATE's SET list.
        await ExecuteAsync("UPDATE tenant_changes SET changed_at = (SELECT changed_at - interval '10 minutes') WHERE tenant_id = @tenant");
    }

    /// <summary>What a bad import did a moment ago: deleted most of the tenant's projects.</summary>
    private Task BadImportAsync() =>
        ExecuteAsync($"DELETE FROM projects WHERE tenant_id = @tenant AND id IN (SELECT id FROM projects WHERE tenant_id = @tenant ORDER BY name LIMIT {DeletedByTheImport})");

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(portal.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("tenant", Heron.Id);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
