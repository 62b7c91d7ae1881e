using Tenancy.Admin.Features.Audit;

namespace Tenancy.Admin.Tests.Features.Audit;

public sealed class AuditChangeTextShould
{
    private static readonly DateTime Now = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void NameStatusesWhetherRecordedAsNumbersOrNamesAndHideUnchangedFields()
    {
        var lines = AuditChangeText.Lines(
            """{"status":1,"pastDueSince":null,"graceDeadline":null,"suspendedForBilling":false}""",
            """{"status":"Suspended","pastDueSince":null,"graceDeadline":null,"suspendedForBilling":true}""",
            Now);

        Assert.Equal(
            [new AuditChangeLine("Status", "Active", "Suspended"), new AuditChangeLine("Suspended for billing", "no", "yes")],
            lines);
    }

    [Fact]
    public void WriteQuotaLimitsWithTheirUnitsUnderTheMetricsName()
    {
        var lines = AuditChangeText.Lines(
            """{"StorageBytes":{"override":"inherit","limit":100000000000,"source":"plan"}}""",
            """{"StorageBytes":{"override":250000000000,"limit":250000000000,"source":"override"}}""",
            Now);

        Assert.Equal(
            [
                new AuditChangeLine("Storage › override", "plan default", "250 GB"),
                new AuditChangeLine("Storage › limit", "100 GB", "250 GB"),
                new AuditChangeLine("Storage › source", "plan", "override"),
            ],
            lines);
    }

    [Fact]
    public void LeaveOutTheGroupingOfAPlansLimitsAndKeepWhatDidNotChangeOut()
    {
        var lines = AuditChangeText.Lines(
            """{"plan":"starter","limits":{"Seats":{"limit":5,"source":"plan"},"ApiRequestsPerMonth":{"limit":"unlimited","source":"override"}}}""",
            """{"plan":"business","limits":{"Seats":{"limit":50,"source":"plan"},"ApiRequestsPerMonth":{"limit":"unlimited","source":"override"}}}""",
            Now);

        Assert.Equal(
            [new AuditChangeLine("Plan", "starter", "business"), new AuditChangeLine("Seats › limit", "5 seats", "50 seats")],
            lines);
    }

    [Fact]
    public void ListEveryFieldOfAnEntryWithOnlyAnAfterWithTimesInUtcAndHowLongAgo()
    {
        var lines = AuditChangeText.Lines(
            null,
            """{"jobId":"01a2","pointInTime":"2026-12-03T10:49:00Z","deleted":24,"durationMs":1234,"undoesJobId":null}""",
            Now);

        Assert.Equal(
            [
                new AuditChangeLine("Job id", null, "01a2"),
                new AuditChangeLine("Point in time", null, "2026-12-03 10:49:00 UTC (1 hour 11 minutes ago)"),
                new AuditChangeLine("Deleted", null, "24"),
                new AuditChangeLine("Duration ms", null, "1,234 ms"),
                new AuditChangeLine("Undoes job id", null, "none"),
            ],
            lines);
    }

    [Fact]
    public void SayWhenAFieldWasRemovedAndShowATimeStillToCome()
    {
        var lines = AuditChangeText.Lines(
            """{"graceDeadline":"2026-12-10T12:00:00Z","note":"x"}""",
            """{"graceDeadline":"2026-12-17T12:00:00Z"}""",
            Now);

        Assert.Equal(
            [
                new AuditChangeLine("Grace deadline", "2026-12-10 12:00:00 UTC (in 7 days)", "2026-12-17 12:00:00 UTC (in 14 days)"),
                new AuditChangeLine("Note", "x", null),
            ],
            lines);
    }

    [Theory]
    [InlineData("not json", null)]
    [InlineData("[1,2]", """{"a":1}""")]
    public void ShowWhatIsNotAJsonObjectAsItIs(string before, string? after)
    {
        Assert.Equal([new AuditChangeLine("Change", before, after)], AuditChangeText.Lines(before, after, Now));
    }
}
