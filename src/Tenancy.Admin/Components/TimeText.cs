using System.Globalization;

namespace Tenancy.Admin.Components;

/// <summary>
/// How the portal writes times, in one place. Every time in the portal is UTC and says so; the
/// database stores UTC, so a time reads the same to support staff in any time zone.
/// </summary>
/// <remarks>
/// Formats use the invariant culture: in a custom format ':' is the culture's time separator,
/// which is not ':' everywhere.
/// </remarks>
public static class TimeText
{
    /// <summary>A point in time to the minute: "2026-11-20 09:00 UTC". Facts, deadlines, suspensions.</summary>
    public static string Utc(DateTime utc) =>
        AsUtc(utc).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>
    /// A point in time to the second: "2026-11-20 09:00:15 UTC". Logs and timelines (audit
    /// history, Stripe events), where several rows fall in the same minute, and the exact time
    /// behind a shorter text (a tooltip).
    /// </summary>
    public static string UtcSeconds(DateTime utc) =>
        AsUtc(utc).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>A day: "2026-11-20" (UTC). Table columns where the time of day does not matter.</summary>
    public static string Date(DateTime utc) =>
        AsUtc(utc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A length of time in words, its two largest whole units rounded down: "6 days 23 hours", "2 hours", "5 minutes".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(1))
        {
            return "less than a minute";
        }

        var (big, bigUnit, small, smallUnit) = span switch
        {
            { TotalDays: >= 1 } => (span.Days, "day", span.Hours, "hour"),
            { TotalHours: >= 1 } => (span.Hours, "hour", span.Minutes, "minute"),
            _ => (span.Minutes, "minute", 0, "second"),
        };
        return small == 0 ? Unit(big, bigUnit) : $"{Unit(big, bigUnit)} {Unit(small, smallUnit)}";

        static string Unit(int n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
    }

    /// <summary>How long before <paramref name="now"/> something happened: "2 hours ago", "less than a minute ago".</summary>
    public static string Ago(DateTime then, DateTime now) => Duration(AsUtc(now) - AsUtc(then)) + " ago";

    /// <summary>How long until something happens: "6 days 23 hours left".</summary>
    public static string Left(DateTime until, DateTime now) => Duration(AsUtc(until) - AsUtc(now)) + " left";

    // EF Core reads every DateTime back as UTC (UtcDateTimeConverter); a local one is converted
    // rather than printed with a wrong "UTC" after it.
    private static DateTime AsUtc(DateTime value) =>
        value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
}
