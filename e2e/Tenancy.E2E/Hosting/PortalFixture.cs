using Microsoft.Playwright;
using Tenancy.Core.Features.Tenants;
using Tenancy.E2E.Identity;

namespace Tenancy.E2E.Hosting;

/// <summary>
/// One database, one running portal and one Chromium for the whole test assembly. Each test
/// opens its own browser context (cookies and storage of its own) through <see cref="NewSessionAsync"/>.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string ChromiumVariable = "TENANCY_CHROMIUM";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private TestDatabase? _database;
    private TestIdentityProvider? _provider;
    private PortalAppFactory? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _signedInState;

    /// <summary>Where the portal listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Warnings and errors the portal logged so far.</summary>
    public PortalLog Log => _app?.Log ?? throw new InvalidOperationException("Not started.");

    /// <summary>The OpenID Connect provider the portal is configured with (its "company account").</summary>
    public TestIdentityProvider Provider => _provider ?? throw new InvalidOperationException("Not started.");

    /// <summary>The running portal's services, for what a test does behind the browser (run the grace sweep, read the inbox).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");

    /// <summary>The portal's circuits as they close.</summary>
    public CircuitTracker Circuits => _app?.Circuits ?? throw new InvalidOperationException("Not started.");

    /// <summary>The billing services' clock (see <see cref="ShiftableClock"/>).</summary>
    public ShiftableClock BillingClock => _app?.BillingClock ?? throw new InvalidOperationException("Not started.");

    /// <summary>The test database, for a test that writes tenant data as the product would.</summary>
    public string ConnectionString => _database?.ConnectionString ?? throw new InvalidOperationException("Not started.");

    /// <summary>Adds a tenant of a test's own (and its slug), as the seed does.</summary>
    public Task AddTenantAsync(Tenant tenant) =>
        TestTenants.AddAsync(_database?.ConnectionString ?? throw new InvalidOperationException("Not started."), tenant, TestContext.Current.CancellationToken);

    public async ValueTask InitializeAsync()
    {
        try
        {
            await StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            // Leave no database or server behind when a later step (say, the browser) fails.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"No Chromium at {chromium}: apt-get install chromium, or point {ChromiumVariable} at a Chromium binary.");
        }

        // Generous upper bound for an auto-waiting expectation on a busy 2-core machine; a
        // passing expectation returns as soon as it holds.
        Assertions.SetDefaultExpectTimeout(15_000);

        _database = await TestDatabase.CreateAsync(cancellationToken);
        // The provider first: the portal's configuration names it. The portal reads the
        // provider's discovery document on the first sign-in, by then the client is registered.
        _provider = await TestIdentityProvider.StartAsync(cancellationToken);
        _app = new PortalAppFactory(_database.ConnectionString, _provider);
        BaseAddress = _app.Start(); // Program migrates the empty database before it listens.
        await _provider.RegisterPortalAsync(BaseAddress, cancellationToken);
        await TestTenants.SeedAsync(_database.ConnectionString, cancellationToken);

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ChromiumArgs,
        });

        // Sign in once as Support through the development sign-in; most tests start from this cookie.
        await using var session = await NewSessionAsync(signedIn: false);
        await new Pages.SignInPage(session.Page).SignInAsAsync("Support");
        _signedInState = await session.Context.StorageStateAsync();
    }

    /// <summary>
    /// A fresh browser context and page; signed in as Support unless <paramref name="signedIn"/> is
    /// false; 1280×800 with a light system colour scheme unless told otherwise. <paramref name="bypassCsp"/>
    /// lets a test inject a script of its own (the accessibility scan), which the portal's policy refuses.
    /// </summary>
    public async Task<BrowserSession> NewSessionAsync(
        bool signedIn = true, ColorScheme colorScheme = ColorScheme.Light, ViewportSize? viewport = null, bool bypassCsp = false)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            StorageState = signedIn ? _signedInState ?? throw new InvalidOperationException("Not signed in yet.") : null,
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 800 },
            ColorScheme = colorScheme,
            BypassCSP = bypassCsp,
            DeviceScaleFactor = 1,
            Locale = "en-US",
            TimezoneId = "UTC",
            ReducedMotion = ReducedMotion.Reduce,
        });
        var page = await context.NewPageAsync();
        var session = new BrowserSession(context, page);
        page.PageError += (_, error) => session.BrowserErrors.Add("page error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                session.BrowserErrors.Add("console error: " + message.Text);
            }
        };
        return session;
    }

    /// <summary>
    /// An HttpClient for the portal that sends the cookies of <paramref name="session"/> (none if
    /// null) and does not follow redirects, for checking what the server itself answers.
    /// </summary>
    public async Task<HttpClient> HttpClientAsync(BrowserSession? session = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = BaseAddress,
        };
        if (session is not null)
        {
            var cookies = await session.Context.CookiesAsync([BaseAddress.ToString()]);
            client.DefaultRequestHeaders.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}")));
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        (_browser, _playwright, _app, _provider, _database) = (null, null, null, null, null);
    }
}

/// <summary>A browser context with one page; disposing it closes both.</summary>
public sealed record BrowserSession(IBrowserContext Context, IPage Page) : IAsyncDisposable
{
    /// <summary>Uncaught script errors and console errors (Blazor logs circuit failures there).</summary>
    public List<string> BrowserErrors { get; } = [];

    public ValueTask DisposeAsync() => Context.DisposeAsync();
}
