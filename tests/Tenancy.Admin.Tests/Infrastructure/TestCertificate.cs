using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tenancy.Admin.Tests.Infrastructure;

/// <summary>A self-signed RSA certificate in a password-protected .pfx file of its own, deleted on dispose.</summary>
public sealed class TestCertificate : IDisposable
{
    private TestCertificate(string path, string password)
    {
        Path = path;
        Password = password;
    }

    public string Path { get; }

    public string Password { get; }

    /// <summary>One certificate for every portal of the test run that merely needs one to start.</summary>
    public static TestCertificate Shared { get; } = Create("tenancy-admin-tests");

    public static TestCertificate Create(string name)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tenancy-dp-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        var created = new TestCertificate(path, password);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => created.Dispose();
        return created;
    }

    public void Dispose() => File.Delete(Path);
}
