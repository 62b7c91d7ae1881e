using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Tenancy.Admin.Tests.Infrastructure;

/// <summary>
/// The real portal in-process (Development, SQLite in a temp file, no demo data), with helpers
/// to sign in through the development sign-in exactly as a browser does.
/// </summary>
/// <param name="databasePath">A SQLite file to share with another instance; by default one of its own, deleted on dispose.</param>
/// <param name="environment">The hosting environment.</param>
/// <param name="settings">Extra configuration, as keys and values.</param>
/// <param name="configureServices">Extra services, after the app's (a capturing logger provider, say).</param>
public sealed partial class PortalFactory(
    string? databasePath = null,
    string environment = "Development",
    IReadOnlyDictionary<string, string?>? settings = null,
    Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null) : WebApplicationFactory<Program>
{
    private readonly bool _ownsDatabase = databasePath is null;

    public string DatabasePath { get; } = databasePath ?? Path.Combine(Path.GetTempPath(), $"tenancy-portal-tests-{Guid.NewGuid():N}.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("ConnectionStrings:Tenancy", $"Data Source={DatabasePath}");
        builder.UseSetting("Database:DemoTenants", "0");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (configureServices is not null)
        {
            builder.ConfigureServices(configureServices);
        }
    }

    /// <summary>A client that keeps cookies and does not follow redirects (so tests see them).</summary>
    public HttpClient CreateBrowserLikeClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Signs in with a development account (<c>viewer</c>, <c>support</c>, <c>admin</c>, <c>no-role</c>).</summary>
    public async Task<HttpClient> SignedInClientAsync(string account, CancellationToken cancellationToken)
    {
        var client = CreateBrowserLikeClient();
        var form = await AntiforgeryFormAsync(client, "/signin", cancellationToken);
        form["account"] = account;
        form["returnUrl"] = "/tenants";
        using var response = await client.PostAsync("/auth/dev-signin", new FormUrlEncodedContent(form), cancellationToken);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in as {account} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return client;
    }

    /// <summary>The hidden antiforgery field of the first form on a page, as a browser would submit it.</summary>
    public static async Task<Dictionary<string, string>> AntiforgeryFormAsync(HttpClient client, string page, CancellationToken cancellationToken)
    {
        var html = await client.GetStringAsync(page, cancellationToken);
        return new Dictionary<string, string> { ["__RequestVerificationToken"] = AntiforgeryToken(html, page) };
    }

    /// <summary>The value of the hidden antiforgery field in a page's HTML.</summary>
    public static string AntiforgeryToken(string html, string page)
    {
        var token = AntiforgeryField().Match(html);
        return token.Success
            ? WebUtility.HtmlDecode(token.Groups[1].Value)
            : throw new InvalidOperationException($"No antiforgery token on {page}.");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!_ownsDatabase)
        {
            return;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
