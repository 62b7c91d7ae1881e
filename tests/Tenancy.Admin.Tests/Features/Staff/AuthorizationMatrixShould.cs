using System.Net;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Staff;

namespace Tenancy.Admin.Tests.Features.Staff;

/// <summary>
/// Every role (and anonymous, and signed in without a role) against every page and endpoint
/// over HTTP, and against every capability the services check.
/// </summary>
public sealed class AuthorizationMatrixShould(PortalFixture portal) : IClassFixture<PortalFixture>
{
    public enum Outcome
    {
        Allowed,
        ToSignIn,
        NoAccess,
    }

    private const string UnknownTenantPage = "/tenants/0195a1b2-0000-7000-8000-000000000001";

    private static readonly string[] StaffPages = ["/", "/tenants", "/tenants?q=acme&status=active", UnknownTenantPage, UnknownTenantPage + "/notes", "/audit", "/billing/events", "/billing/events?state=failed&type=invoice.payment_failed", "/usage/keys"];

    public static TheoryData<string, string, Outcome> PageMatrix()
    {
        var data = new TheoryData<string, string, Outcome>();
        foreach (var page in StaffPages)
        {
            data.Add("anonymous", page, Outcome.ToSignIn);
            data.Add("no-role", page, Outcome.NoAccess);
            data.Add("viewer", page, Outcome.Allowed);
            data.Add("support", page, Outcome.Allowed);
            data.Add("admin", page, Outcome.Allowed);
        }

        foreach (var who in new[] { "anonymous", "no-role", "viewer", "support", "admin" })
        {
            data.Add(who, "/healthz", Outcome.Allowed);
            data.Add(who, "/readyz", Outcome.Allowed);
            data.Add(who, "/signin", Outcome.Allowed);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PageMatrix))]
    public async Task AnswerEveryPageAsItsPolicySays(string who, string path, Outcome expected)
    {
        var client = await portal.ClientAsync(who);

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        var actual = response.StatusCode switch
        {
            HttpStatusCode.OK => Outcome.Allowed,

            // The page itself answered: no tenant has that id (checked on its own below).
            HttpStatusCode.NotFound when path.StartsWith(UnknownTenantPage, StringComparison.Ordinal) => Outcome.Allowed,
            HttpStatusCode.Redirect when response.Headers.Location?.OriginalString.StartsWith("/signin", StringComparison.Ordinal) == true
                || response.Headers.Location?.AbsolutePath == "/signin" => Outcome.ToSignIn,
            HttpStatusCode.Redirect when response.Headers.Location?.OriginalString.Contains("/no-access", StringComparison.Ordinal) == true => Outcome.NoAccess,
            _ => throw new Xunit.Sdk.XunitException($"{who} GET {path}: unexpected {(int)response.StatusCode} {response.Headers.Location}"),
        };
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task AnswerNotFoundWithTheTenantPageForATenantThatDoesNotExist()
    {
        var client = await portal.ClientAsync("viewer");

        using var response = await client.GetAsync(UnknownTenantPage, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Tenant not found", html, StringComparison.Ordinal);
        Assert.Contains("Go to tenants", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowTheNoAccessPageToASignedInUserWithoutARole()
    {
        var client = await portal.ClientAsync("no-role");

        var html = await client.GetStringAsync("/no-access", TestContext.Current.CancellationToken);

        Assert.Contains("You are signed in, but your account has no portal role", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("support")]
    [InlineData("admin")]
    public async Task RefuseASignOutWithoutAnAntiforgeryToken(string who)
    {
        var client = await portal.ClientAsync(who);

        using var response = await client.PostAsync("/auth/signout", new FormUrlEncodedContent([]), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SendATamperedSessionCookieToSignInNotToAnError()
    {
        var client = portal.Factory.CreateBrowserLikeClient();
        client.DefaultRequestHeaders.Add("Cookie", "tenancy-admin=CfDJ8forged" + new string('A', 200));

        using var response = await client.GetAsync("/tenants", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    public static TheoryData<StaffRole?, StaffCapability, bool> CapabilityMatrix()
    {
        var allowed = new Dictionary<StaffRole, StaffCapability[]>
        {
            [StaffRole.Viewer] = [StaffCapability.View],
            [StaffRole.Support] = [StaffCapability.View, StaffCapability.EditQuotas, StaffCapability.Suspend, StaffCapability.ExtendGrace, StaffCapability.WriteNotes],
            [StaffRole.Admin] = Enum.GetValues<StaffCapability>(),
        };
        var data = new TheoryData<StaffRole?, StaffCapability, bool>();
        foreach (var capability in Enum.GetValues<StaffCapability>())
        {
            data.Add(null, capability, false);
            foreach (var role in Enum.GetValues<StaffRole>())
            {
                data.Add(role, capability, allowed[role].Contains(capability));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CapabilityMatrix))]
    public void LetServicesRefuseWhatARoleMayNotDo(StaffRole? role, StaffCapability capability, bool allowed)
    {
        var actor = new StaffActor("sub-1", "Tess Tester", "tess@example.test", role is { } r ? new HashSet<StaffRole> { r } : []);

        if (allowed)
        {
            actor.Demand(capability);
        }
        else
        {
            var refused = Assert.Throws<StaffForbiddenException>(() => actor.Demand(capability));
            Assert.Equal(capability, refused.Capability);
        }
    }
}

/// <summary>One portal and one signed-in client per account for the whole class.</summary>
public sealed class PortalFixture : IAsyncLifetime
{
    private readonly Dictionary<string, HttpClient> _clients = [];

    public PortalFactory Factory { get; } = new();

    public async Task<HttpClient> ClientAsync(string who)
    {
        if (!_clients.TryGetValue(who, out var client))
        {
            client = who == "anonymous"
                ? Factory.CreateBrowserLikeClient()
                : await Factory.SignedInClientAsync(who, TestContext.Current.CancellationToken);
            _clients[who] = client;
        }

        return client;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await Factory.DisposeAsync();
    }
}
