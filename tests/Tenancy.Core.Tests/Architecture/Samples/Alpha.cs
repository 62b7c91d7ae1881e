using Tenancy.Core.Tests.Architecture.Samples.Features.Beta;

namespace Tenancy.Core.Tests.Architecture.Samples.Features.Alpha;

/// <summary>Uses Beta only inside a method body (and as a generic argument there): the graph must still see it.</summary>
internal sealed class AlphaCaller
{
    public int Make() => new List<BetaThing> { new() }.Count;
}
