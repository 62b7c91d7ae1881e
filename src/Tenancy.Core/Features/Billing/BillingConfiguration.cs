using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Billing;

internal sealed class StripeEventConfiguration : IEntityTypeConfiguration<StripeEvent>
{
    public void Configure(EntityTypeBuilder<StripeEvent> stripeEvent)
    {
        stripeEvent.ToTable("stripe_events");
        stripeEvent.HasKey(e => e.Id);
        stripeEvent.Property(e => e.Id).HasMaxLength(StripeEvent.IdMaxLength);
        stripeEvent.Property(e => e.Type).HasMaxLength(100);
        stripeEvent.Property(e => e.ApiVersion).HasMaxLength(64);
        stripeEvent.Property(e => e.CustomerId).HasMaxLength(Tenant.StripeIdMaxLength);
        stripeEvent.Property(e => e.SubscriptionId).HasMaxLength(Tenant.StripeIdMaxLength);
        stripeEvent.Property(e => e.State).HasConversion<string>().HasMaxLength(16);
        stripeEvent.Property(e => e.Outcome).HasMaxLength(500);
        stripeEvent.Property(e => e.LastError).HasMaxLength(2000);

        // The processor's claim: pending events that are due, oldest first. Only pending rows are
        // in it, so it stays small however long the inbox grows.
        stripeEvent.HasIndex(e => new { e.NextAttemptAt, e.Id }, "ix_stripe_events_due")
            .HasFilter("state = 'Pending'");

        // The fleet page (newest first, optionally by state or type), a tenant's timeline, and
        // parked events waiting for their customer.
        stripeEvent.HasIndex(e => new { e.ReceivedAt, e.Id });
        stripeEvent.HasIndex(e => new { e.State, e.ReceivedAt, e.Id });
        stripeEvent.HasIndex(e => new { e.Type, e.ReceivedAt, e.Id });
        stripeEvent.HasIndex(e => new { e.TenantId, e.CreatedAt });
        stripeEvent.HasIndex(e => e.CustomerId);
    }
}

internal sealed class TenantBillingConfiguration : IEntityTypeConfiguration<TenantBilling>
{
    public void Configure(EntityTypeBuilder<TenantBilling> billing)
    {
        billing.ToTable("tenant_billing");
        billing.HasKey(b => b.TenantId);
        billing.Property(b => b.SubscriptionId).HasMaxLength(Tenant.StripeIdMaxLength);
        billing.Property(b => b.SubscriptionStatus).HasMaxLength(32);
        billing.Property(b => b.LastEventId).HasMaxLength(StripeEvent.IdMaxLength);
        billing.HasOne<Tenant>().WithOne().HasForeignKey<TenantBilling>(b => b.TenantId).OnDelete(DeleteBehavior.Cascade);

        // The grace sweep: past-due tenants not yet suspended, by deadline.
        billing.HasIndex(b => b.GraceDeadline, "ix_tenant_billing_grace_due")
            .HasFilter("grace_deadline IS NOT NULL AND suspended_for_billing = false");
    }
}
