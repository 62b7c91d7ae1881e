using Bunit;
using MudBlazor;
using Tenancy.Admin.Features.Tenants;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Admin.Tests.Features.Tenants;

public sealed class TenantStatusChipShould : PortalTestContext
{
    /// <summary>The chip is plain markup for the list's sake; MudChip itself is the oracle for its look.</summary>
    [Theory]
    [InlineData(TenantStatus.Active)]
    [InlineData(TenantStatus.Trial)]
    [InlineData(TenantStatus.PastDue)]
    [InlineData(TenantStatus.Suspended)]
    [InlineData(TenantStatus.Deleted)]
    public void LookExactlyLikeTheMudChipOfItsColourAndVariant(TenantStatus status)
    {
        var ours = Render<TenantStatusChip>(p => p.Add(c => c.Status, status));
        var mud = Render<MudChip<string>>(p => p
            .Add(c => c.Size, Size.Small)
            .Add(c => c.Color, TenantStatusChip.ColorOf(status))
            .Add(c => c.Variant, status is TenantStatus.PastDue or TenantStatus.Suspended ? Variant.Filled : Variant.Text)
            .AddChildContent(status.ToLabel()));

        var chip = ours.Find("[data-status]");
        Assert.Equal(mud.Find(".mud-chip").ClassList.OrderBy(c => c), chip.ClassList.OrderBy(c => c));
        Assert.Equal(mud.Find(".mud-chip-content").OuterHtml, chip.QuerySelector(".mud-chip-content")!.OuterHtml);
        Assert.NotNull(ours.Find(".mud-chip-container"));
        Assert.Equal(status.ToSlug(), chip.GetAttribute("data-status"));
    }
}
