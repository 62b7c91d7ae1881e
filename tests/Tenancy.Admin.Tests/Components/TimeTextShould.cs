using Tenancy.Admin.Components;

namespace Tenancy.Admin.Tests.Components;

public sealed class TimeTextShould
{
    private static readonly DateTime At = new(2026, 11, 20, 9, 5, 7, DateTimeKind.Utc);

    [Fact]
    public void WriteUtcTimesToTheMinuteToTheSecondAndAsADay()
    {
        Assert.Equal("2026-11-20 09:05 UTC", TimeText.Utc(At));
        Assert.Equal("2026-11-20 09:05:07 UTC", TimeText.UtcSeconds(At));
        Assert.Equal("2026-11-20", TimeText.Date(At));
    }

    [Fact]
    public void WriteTheSameTextWhateverTheCurrentCulture()
    {
        // Finnish writes the time separator as '.', and Arabic uses its own calendar and digits.
        var culture = Thread.CurrentThread.CurrentCulture;
        try
        {
            foreach (var name in new[] { "fi-FI", "ar-SA" })
            {
                Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo(name);
                Assert.Equal("2026-11-20 09:05:07 UTC", TimeText.UtcSeconds(At));
            }
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = culture;
        }
    }

    [Fact]
    public void ConvertALocalTimeToUtcRatherThanMislabelIt()
    {
        var local = At.ToLocalTime();

        Assert.Equal("2026-11-20 09:05 UTC", TimeText.Utc(local));
    }

    [Theory]
    [InlineData(0, "less than a minute")]
    [InlineData(59, "less than a minute")]
    [InlineData(60, "1 minute")]
    [InlineData(5 * 60 + 59, "5 minutes")]
    [InlineData(60 * 60, "1 hour")]
    [InlineData(2 * 60 * 60 + 60, "2 hours 1 minute")]
    [InlineData(24 * 60 * 60, "1 day")]
    [InlineData(((6 * 24) + 23) * 60 * 60 + 59 * 60, "6 days 23 hours")]
    public void WriteADurationInItsTwoLargestWholeUnits(int seconds, string expected)
    {
        Assert.Equal(expected, TimeText.Duration(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void SayHowLongAgoAndHowLongLeft()
    {
        Assert.Equal("3 hours ago", TimeText.Ago(At.AddHours(-3), At));
        Assert.Equal("less than a minute ago", TimeText.Ago(At.AddSeconds(-20), At));
        Assert.Equal("2 days 4 hours left", TimeText.Left(At.AddHours(52).AddMinutes(30), At));
    }
}
