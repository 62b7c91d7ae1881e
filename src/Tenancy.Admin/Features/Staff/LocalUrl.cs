namespace Tenancy.Admin.Features.Staff;

public static class LocalUrl
{
    /// <summary>
    /// <paramref name="url"/> when it is a path on this portal, otherwise "/": a return URL from a
    /// link must never send a member of staff to another site (<c>//evil.example</c>, <c>/\evil</c>).
    /// </summary>
    public static string OrRoot(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
