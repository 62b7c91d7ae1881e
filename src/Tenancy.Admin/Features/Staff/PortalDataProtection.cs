using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Tenancy.Core.Data;

namespace Tenancy.Admin.Features.Staff;

/// <summary>The <c>DataProtection</c> configuration section: the certificate that encrypts the key ring at rest.</summary>
public sealed class PortalDataProtectionOptions
{
    public const string SectionName = "DataProtection";

    /// <summary>A PKCS#12 (.pfx) file with the certificate and its private key. Required outside Development.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The file's password: a secret, from the environment or a secret store.</summary>
    public string? CertificatePassword { get; set; }
}

public static class PortalDataProtection
{
    /// <summary>
    /// Data Protection (session cookies, antiforgery tokens) with its key ring in the database, so
    /// every instance shares sessions. Outside Development the keys are encrypted at rest with the
    /// certificate <c>DataProtection:CertificatePath</c> names, and the portal refuses to start
    /// without one: anyone who could read the table could otherwise forge a staff session.
    /// </summary>
    public static WebApplicationBuilder AddPortalDataProtection(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(PortalDataProtectionOptions.SectionName).Get<PortalDataProtectionOptions>()
            ?? new PortalDataProtectionOptions();
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("Tenancy.Admin");
        builder.Services.AddSingleton<DatabaseXmlRepository>();
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(keys => keys.XmlRepository = sp.GetRequiredService<DatabaseXmlRepository>()));

        if (string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            if (!builder.Environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "Data Protection keys would be stored unencrypted in the database: outside Development set " +
                    "DataProtection:CertificatePath (a .pfx file with the certificate's private key) and DataProtection:CertificatePassword. " +
                    "See appsettings.sample.json.");
            }

            return builder;
        }

        var certificate = Load(options);
        dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        return builder;
    }

    private static X509Certificate2 Load(PortalDataProtectionOptions options)
    {
        var path = options.CertificatePath!;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"DataProtection:CertificatePath names '{path}', which does not exist.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException(
                $"The Data Protection certificate '{path}' could not be read: wrong DataProtection:CertificatePassword, or not a .pfx file ({ex.Message}).", ex);
        }

        if (!certificate.HasPrivateKey || certificate.GetRSAPrivateKey() is null)
        {
            certificate.Dispose();
            throw new InvalidOperationException(
                $"The Data Protection certificate '{path}' has no RSA private key, which encrypting and reading the keys needs.");
        }

        return certificate;
    }
}
