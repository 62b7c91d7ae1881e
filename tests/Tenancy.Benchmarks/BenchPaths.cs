namespace Tenancy.Benchmarks;

/// <summary>Where the benchmarks find the repository's parts.</summary>
internal static class BenchPaths
{
    /// <summary>src/Tenancy.Admin, found upwards from the build output (the portal's content root).</summary>
    public static string PortalContentRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Tenancy.Admin");
            if (File.Exists(Path.Combine(candidate, "Tenancy.Admin.csproj")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"src/Tenancy.Admin not found above {AppContext.BaseDirectory}");
    }
}
