using Microsoft.EntityFrameworkCore;

namespace Tenancy.E2E.Identity;

/// <summary>OpenIddict's store (applications, authorizations, scopes, tokens) in a temporary SQLite file.</summary>
public sealed class ProviderDbContext(DbContextOptions<ProviderDbContext> options) : DbContext(options);
