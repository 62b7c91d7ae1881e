using Tenancy.Admin.Features.Tenants;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Admin.Tests.Features.Tenants;

public sealed class TenantCountTextShould
{
    [Theory]
    [InlineData(0, TenantCountKind.Exact, false, "0 tenants")]
    [InlineData(1, TenantCountKind.Exact, false, "1 tenant")]
    [InlineData(12_345, TenantCountKind.Exact, false, "12,345 tenants")]
    [InlineData(1, TenantCountKind.Exact, true, "1 match")]
    [InlineData(1_000, TenantCountKind.AtLeast, true, "1,000+ matches")]
    [InlineData(10_234_567, TenantCountKind.Estimate, false, "about 10.2 million tenants")]
    [InlineData(10_000_000, TenantCountKind.Estimate, false, "about 10 million tenants")]
    [InlineData(2_345_678, TenantCountKind.Estimate, false, "about 2.35 million tenants")]
    [InlineData(123_456_789, TenantCountKind.Estimate, false, "about 123 million tenants")]
    [InlineData(100_000_000, TenantCountKind.Estimate, false, "about 100 million tenants")]
    [InlineData(48_321, TenantCountKind.Estimate, false, "about 48,300 tenants")]
    [InlineData(640, TenantCountKind.Estimate, false, "about 640 tenants")]
    public void ReadAsStaffExpect(long value, TenantCountKind kind, bool isSearch, string expected) =>
        Assert.Equal(expected, TenantCountText.Format(new TenantCount(value, kind), isSearch));
}
