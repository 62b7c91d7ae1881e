using Tenancy.Core.Tests.Architecture.Samples.Features.Alpha;

namespace Tenancy.Core.Tests.Architecture.Samples.Features.Beta;

/// <summary>Uses Alpha through a field, closing the cycle Alpha → Beta → Alpha.</summary>
internal sealed class BetaThing
{
    public AlphaCaller? Owner { get; init; }
}
