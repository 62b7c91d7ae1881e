using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Tenancy.Admin.Features.Quotas;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Tests.Features.Quotas;

public sealed class QuotaEditorDialogShould : PortalTestContext
{
    private QuotaService Quotas => Services.GetRequiredService<QuotaService>();

    [Theory]
    [InlineData("12.5 B", "whole number of bytes")]
    [InlineData("2 PB", "more than the largest storage limit (1 PB)")]
    [InlineData("lots", "is not a number")]
    [InlineData("-1 GB", "cannot be negative")]
    [InlineData("5 XB", "'XB' is not a unit here")]
    public async Task ExplainWhatIsWrongWithALimit(string typed, string message)
    {
        var tenant = await TenantWithStorageOverrideAsync();
        await OpenAsync(tenant);

        StorageLimitInput().Input(typed);

        Dialogs.WaitForAssertion(() => Assert.Contains(message, Dialogs.Markup, StringComparison.Ordinal), Wait);
        Assert.True(SaveButton().HasAttribute("disabled"));
    }

    [Fact]
    public async Task AskForConfirmationBeforeALimitBelowUsage()
    {
        var tenant = await TenantWithStorageOverrideAsync();
        await OpenAsync(tenant);

        StorageLimitInput().Input("10 GB");
        Dialogs.Find("textarea").Input("Customer downgraded the storage add-on");

        Dialogs.WaitForAssertion(() => Assert.Contains("below current usage", Dialogs.Find("[data-testid=quota-below-usage]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Contains("New usage will be blocked, existing data is kept", Dialogs.Markup, StringComparison.Ordinal);
        Assert.True(SaveButton().HasAttribute("disabled"));
        Assert.Equal("Confirm the limits below current usage above to save.", Dialogs.Find("[data-testid=quota-save-why]").TextContent.Trim());

        Dialogs.Find("[data-testid=quota-below-usage] input[type=checkbox]").Change(true);
        Dialogs.WaitForAssertion(() => Assert.False(SaveButton().HasAttribute("disabled")), Wait);
        Assert.Empty(Dialogs.FindAll("[data-testid=quota-save-why]"));
        await SaveButton().ClickAsync(new());

        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll("[data-testid=quota-editor]")), Wait);
        var saved = await Quotas.GetAsync(tenant.Id, Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(10 * QuotaMetrics.GB, saved![QuotaMetric.StorageBytes].EffectiveLimit);
    }

    [Fact]
    public async Task ShowTheCurrentValuesWhenSomeoneElseSavedFirst()
    {
        var tenant = await TenantWithStorageOverrideAsync();
        await OpenAsync(tenant);
        var loaded = await Quotas.GetAsync(tenant.Id, Xunit.TestContext.Current.CancellationToken);
        await Quotas.UpdateAsync(Ada, tenant.Id, loaded!.Version,
            new Dictionary<QuotaMetric, QuotaOverride> { [QuotaMetric.StorageBytes] = QuotaOverride.To(300 * QuotaMetrics.GB) },
            "Admin raised it during the call", cancellationToken: Xunit.TestContext.Current.CancellationToken);

        StorageLimitInput().Input("200 GB");
        Dialogs.Find("textarea").Input("Support raises storage for the migration");
        await SaveButton().ClickAsync(new());

        Dialogs.WaitForAssertion(() => Assert.Contains("Someone else changed this tenant's quotas", Dialogs.Find("[data-testid=quota-conflict]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Contains("Storage: 300 GB (override)", Dialogs.Find("[data-testid=quota-conflict]").TextContent, StringComparison.Ordinal);
        var current = await Quotas.GetAsync(tenant.Id, Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(300 * QuotaMetrics.GB, current![QuotaMetric.StorageBytes].EffectiveLimit);
    }

    private async Task<Tenancy.Core.Features.Tenants.Tenant> TenantWithStorageOverrideAsync()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();
        using (var db = Database.CreateDbContext())
        {
            var project = new Project { TenantId = tenant.Id, Name = "Data lake" };
            db.Projects.Add(project);
            db.ProjectItems.Add(new ProjectItem { TenantId = tenant.Id, ProjectId = project.Id, Title = "archive.tar", SizeBytes = 50 * QuotaMetrics.GB });
            await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        }

        var quotas = await Quotas.GetAsync(tenant.Id, Xunit.TestContext.Current.CancellationToken);
        await Quotas.UpdateAsync(Sam, tenant.Id, quotas!.Version,
            new Dictionary<QuotaMetric, QuotaOverride> { [QuotaMetric.StorageBytes] = QuotaOverride.To(100 * QuotaMetrics.GB) },
            "Storage add-on purchased", cancellationToken: Xunit.TestContext.Current.CancellationToken);
        return tenant;
    }

    private async Task OpenAsync(Tenancy.Core.Features.Tenants.Tenant tenant)
    {
        var current = await Quotas.GetAsync(tenant.Id, Xunit.TestContext.Current.CancellationToken);
        var dialogs = Services.GetRequiredService<IDialogService>();
        await Dialogs.InvokeAsync(() => dialogs.ShowAsync<QuotaEditorDialog>("Edit quotas", new DialogParameters<QuotaEditorDialog>
        {
            { d => d.Current, current! },
            { d => d.Actor, Sam },
        }));
        Dialogs.WaitForElement("[data-testid=quota-editor]", Wait);
    }

    private AngleSharp.Dom.IElement StorageLimitInput() =>
        Dialogs.Find($"tr[data-metric={QuotaMetric.StorageBytes}] input[aria-label='Storage custom limit'], tr[data-metric={QuotaMetric.StorageBytes}] td:last-child input");

    private AngleSharp.Dom.IElement SaveButton() => Dialogs.Find("button[data-testid=quota-save], [data-testid=quota-save] button, [data-testid=quota-save]");
}
