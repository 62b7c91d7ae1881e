using Tenancy.Core.Features.Plans;
using Tenant = Tenancy.Core.Features.Tenants.Tenant;
using TenantStatus = Tenancy.Core.Features.Tenants.TenantStatus;
using Tenancy.E2E.Hosting;
using Tenancy.E2E.Identity;
using Tenancy.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Features.Suspensions;

/// <summary>Staff suspending a tenant by hand, and resuming it, on the tenant's Billing tab.</summary>
[Collection(BillingCollection.Name)]
public sealed class ManualSuspensionShould(PortalFixture portal)
{
    /// <summary>This test's own tenant.</summary>
    private static readonly Tenant Kestrel = new()
    {
        Id = Guid.Parse("01950c3a-7d2e-7b41-9c3e-5a2f0e2eb002"),
        Name = "Kestrel Consulting",
        Slug = "kestrel-consulting",
        OwnerName = "Jonas Berg",
        OwnerEmail = "jonas.berg@kestrel-consulting.example",
        Status = TenantStatus.Active,
        PlanId = PlanCatalog.Starter,
        Region = "us-east",
        StripeCustomerId = "cus_E2EKestrelConsulting",
        StripeSubscriptionId = "sub_E2EKestrelConsulting",
        CreatedAt = new DateTime(2024, 9, 17, 14, 40, 0, DateTimeKind.Utc),
        UpdatedAt = new DateTime(2025, 4, 2, 16, 5, 0, DateTimeKind.Utc),
    };

    [Fact]
    public async Task LetSupportSuspendWithACategoryAndReasonAndResume()
    {
        const string reason = "Outbound spam reported by three mail providers (ticket SUP-4471)";
        const string resumeReason = "Customer removed the compromised account and rotated keys";
        await portal.AddTenantAsync(Kestrel);
        await using var session = await portal.NewSessionAsync(signedIn: false);
        var signIn = await new SignInPage(session.Page).GotoAsync();
        var login = await signIn.SignInWithCompanyAccountAsync();
        await login.SignInAsAsync(TestUsers.Sam.UserName);
        await new FleetHomePage(session.Page).WaitUntilReadyAsync();

        var tenant = await new TenantPage(session.Page).GotoAsync(Kestrel.Id);
        await Expect(tenant.SignedInUser).ToHaveTextAsync(TestUsers.Sam.Name);
        var billing = await TenantBillingTab.OpenAsync(tenant);
        await billing.ExpectStatusAsync("active", "Active");
        await Expect(billing.ResumeButton).ToHaveCountAsync(0);

        var suspend = await billing.OpenSuspendDialogAsync();
        await Expect(suspend.SubmitButton).ToBeDisabledAsync();
        await suspend.FillAsync("Abuse", reason);
        await session.Page.Mouse.MoveAsync(0, 0); // no hover halo on the checkbox just ticked
        await Screenshots.TakeAsync(session.Page, "suspend-dialog.png");
        await suspend.SubmitAsync();

        await billing.ExpectStatusAsync("suspended", "Suspended");
        await Expect(tenant.StatusChip).ToHaveAttributeAsync("data-status", "suspended");
        var active = billing.ActiveSuspensions;
        await Expect(active).ToHaveCountAsync(1);
        await Expect(active).ToContainTextAsync("Abuse");
        await Expect(active).ToContainTextAsync(reason);
        await Expect(active).ToContainTextAsync(TestUsers.Sam.Name);

        var resume = await billing.OpenResumeDialogAsync();
        await Expect(resume.SubmitButton).ToBeDisabledAsync();
        await resume.FillAsync(resumeReason);
        await resume.SubmitAsync();

        await billing.ExpectStatusAsync("active", "Active");
        await Expect(tenant.StatusChip).ToHaveAttributeAsync("data-status", "active");
        await Expect(billing.ActiveSuspensions).ToHaveCountAsync(0);
        var lifted = billing.LiftedSuspensions;
        await Expect(lifted).ToHaveCountAsync(1);
        await Expect(lifted).ToContainTextAsync(reason);
        await Expect(lifted).ToContainTextAsync(resumeReason);
        await Expect(billing.ResumeButton).ToHaveCountAsync(0);
        await Expect(billing.ErrorBar).ToBeHiddenAsync();
        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task OfferViewersNoSuspendOrResume()
    {
        await using var session = await portal.NewSessionAsync(signedIn: false);
        await new SignInPage(session.Page).SignInAsAsync("Viewer");
        var tenant = await new TenantPage(session.Page).GotoAsync(TestTenants.Target.Id);

        var billing = await TenantBillingTab.OpenAsync(tenant);

        await billing.ExpectStatusAsync("active", "Active");
        await Expect(billing.Customer).ToContainTextAsync(TestTenants.Target.StripeCustomerId!);
        await Expect(billing.SuspendButton).ToHaveCountAsync(0);
        await Expect(billing.ResumeButton).ToHaveCountAsync(0);
        Assert.Empty(session.BrowserErrors);
    }
}
