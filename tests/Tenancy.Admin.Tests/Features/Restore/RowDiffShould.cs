using Tenancy.Admin.Features.Restore;
using Tenancy.Core.Features.Restore;

namespace Tenancy.Admin.Tests.Features.Restore;

public sealed class RowDiffShould
{
    private const string Key = """{"id": "5f0c"}""";

    [Fact]
    public void ListOnlyTheFieldsAChangeBackTouchesWithTimesAsThePortalWritesThem()
    {
        var diff = RowDiff.From(new RewindSample(Key,
            Then: """{"tenant_id": "t", "id": "5f0c", "name": "Roadmap", "size_bytes": 2048, "updated_at": "2026-12-03T09:15:02.5+00:00"}""",
            Now: """{"tenant_id": "t", "id": "5f0c", "name": "Roadmap (imported)", "size_bytes": 2048, "updated_at": "2026-12-03 10:01:00.1234567"}"""));

        Assert.Equal("Changed back", diff.Action);
        Assert.Equal("id 5f0c", diff.Key);
        Assert.Equal(
            [new FieldChange("name", "Roadmap (imported)", "Roadmap"), new FieldChange("updated_at", "2026-12-03 10:01:00 UTC", "2026-12-03 09:15:02 UTC")],
            diff.Fields);
    }

    [Fact]
    public void SayWhetherARowIsPutBackOrDeletedAndListItsFieldsWithoutTheTenant()
    {
        var back = RowDiff.From(new RewindSample(Key, Then: """{"tenant_id": "t", "id": "5f0c", "name": "Roadmap", "size_bytes": 12345}""", Now: null));
        var gone = RowDiff.From(new RewindSample(Key, Then: null, Now: """{"tenant_id": "t", "id": "5f0c", "name": "Imported"}"""));

        Assert.Equal("Put back (removed after the moment)", back.Action);
        Assert.Equal([new FieldChange("id", null, "5f0c"), new FieldChange("name", null, "Roadmap"), new FieldChange("size_bytes", null, "12,345")], back.Fields);
        Assert.Equal("Deleted (added after the moment)", gone.Action);
        Assert.Equal([new FieldChange("id", "5f0c", null), new FieldChange("name", "Imported", null)], gone.Fields);
    }
}
