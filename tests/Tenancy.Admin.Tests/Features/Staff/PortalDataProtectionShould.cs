using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Data;

namespace Tenancy.Admin.Tests.Features.Staff;

/// <summary>
/// The Data Protection key ring (what signs staff session cookies) is encrypted with a certificate
/// where it is kept, the database, outside Development; the portal refuses to start without one.
/// </summary>
public sealed class PortalDataProtectionShould
{
    private const string Purpose = "tests";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void RefuseToStartInProductionWithoutACertificate()
    {
        using var portal = ProductionPortal(certificate: null);

        var refused = Assert.Throws<InvalidOperationException>(() => portal.CreateClient());

        Assert.Contains("Data Protection keys would be stored unencrypted", refused.Message, StringComparison.Ordinal);
        Assert.Contains("DataProtection:CertificatePath", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefuseToStartWithACertificateItCannotOpen()
    {
        using var certificate = TestCertificate.Create("tenancy-wrong-password");
        using var portal = ProductionPortal(certificate, password: "not-the-password");

        var refused = Assert.Throws<InvalidOperationException>(() => portal.CreateClient());

        Assert.Contains("could not be read", refused.Message, StringComparison.Ordinal);
        Assert.Contains(certificate.Path, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncryptTheKeysInTheDatabaseAndReadThemOnlyWithTheCertificate()
    {
        using var certificate = TestCertificate.Create("tenancy-dataprotection");
        using var other = TestCertificate.Create("tenancy-someone-else");
        await using var first = ProductionPortal(certificate);
        var payload = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("a staff session");

        var stored = await StoredKeysAsync(first);
        var key = Assert.Single(stored);
        Assert.Contains("<encryptedSecret", key, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", key, StringComparison.Ordinal);

        // Another instance on the same database with the same certificate reads the session.
        await using var second = ProductionPortal(certificate, databasePath: first.DatabasePath);
        Assert.Equal("a staff session", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(payload));

        // With another certificate the stored key is of no use.
        await using var stranger = ProductionPortal(other, databasePath: first.DatabasePath);
        Assert.ThrowsAny<CryptographicException>(() => stranger.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(payload));
    }

    [Fact]
    public async Task KeepTheKeysReadableInDevelopmentWithoutACertificate()
    {
        await using var portal = new PortalFactory();
        portal.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("a demo session");

        var key = Assert.Single(await StoredKeysAsync(portal));
        Assert.Contains("<masterKey", key, StringComparison.Ordinal);
    }

    private static async Task<List<string>> StoredKeysAsync(PortalFactory portal)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>().CreateDbContextAsync(Cancellation);
        return await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync(Cancellation);
    }

    /// <summary>A portal outside Development with sign-in and Stripe configured, and the given certificate (or none).</summary>
    private static PortalFactory ProductionPortal(TestCertificate? certificate, string? password = null, string? databasePath = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Authority"] = "https://login.example.test",
            ["Auth:ClientId"] = "tenancy-admin",
            ["Auth:ClientSecret"] = "from-a-secret-store",
            ["Stripe:WebhookSecret"] = "whsec_test_only",
        };
        if (certificate is not null)
        {
            settings["DataProtection:CertificatePath"] = certificate.Path;
            settings["DataProtection:CertificatePassword"] = password ?? certificate.Password;
        }

        return new PortalFactory(databasePath, environment: "Production", settings: settings);
    }
}
