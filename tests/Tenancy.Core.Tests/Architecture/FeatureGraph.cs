using System.Reflection;
using System.Text;

namespace Tenancy.Core.Tests.Architecture;

/// <summary>
/// Which feature folders of an assembly use which, read from its compiled types. The rules:
/// <list type="number">
/// <item>A feature is a namespace <c>{prefix}X</c> (the folder <c>Features/X</c>); deeper namespaces belong to X.</item>
/// <item>X uses Y when a type of X (nested and compiler-made types included: lambdas, async state
/// machines) names a type of Y in its base type, interfaces, fields, properties, method signatures,
/// or method bodies: locals, catch clauses and every type, method and field the IL touches, with
/// their generic arguments and the signatures of the methods and fields it uses.</item>
/// <item>Namespaces outside the prefix (<c>Data</c>, whose DbContext names every entity; the root's
/// registration; shared helpers) are not features: anyone may use them. A feature reaching another
/// feature's table through the DbContext still uses it (the <c>DbSet&lt;T&gt;</c> names T).</item>
/// <item>The compiler copies a <c>const</c> into the code that reads it, so reading another
/// feature's constant leaves no trace here; it is still a use, and must follow the graph.</item>
/// </list>
/// </summary>
internal sealed class FeatureGraph
{
    private const BindingFlags Declared =
        BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>From → to → one example of the use, "Type uses Type".</summary>
    private readonly SortedDictionary<string, SortedDictionary<string, string>> uses = new(StringComparer.Ordinal);

    private FeatureGraph(string prefix) => Prefix = prefix;

    public string Prefix { get; }

    public IEnumerable<string> Features => uses.Keys;

    public static FeatureGraph Of(Assembly assembly, string prefix)
    {
        var graph = new FeatureGraph(prefix);
        foreach (var type in assembly.GetTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (graph.FeatureOf(type) is not { } feature)
            {
                continue;
            }

            graph.uses.TryAdd(feature, new SortedDictionary<string, string>(StringComparer.Ordinal));
            foreach (var named in NamedBy(type).SelectMany(Expand))
            {
                if (graph.FeatureOf(named) is { } used && used != feature)
                {
                    graph.uses.TryAdd(used, new SortedDictionary<string, string>(StringComparer.Ordinal));
                    graph.uses[feature].TryAdd(used, $"{graph.Name(type)} uses {graph.Name(named)}");
                }
            }
        }

        return graph;
    }

    public IReadOnlyCollection<string> Used(string feature) => uses.TryGetValue(feature, out var to) ? to.Keys : [];

    /// <summary>One cycle per group of features that reach each other, as paths "A → B → A" with the uses that make them.</summary>
    public IReadOnlyList<string> FindCycles()
    {
        var cycles = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in uses.Keys)
        {
            if (done.Contains(start) || PathBack(start, start, [start], []) is not { } path)
            {
                continue;
            }

            done.UnionWith(path);
            var steps = path.Zip(path.Skip(1), (from, to) => uses[from][to]);
            cycles.Add($"{string.Join(" → ", path)} ({string.Join("; ", steps)})");
        }

        return cycles;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (from, to) in uses)
        {
            text.AppendLine($"{from} → {(to.Count == 0 ? "(nothing)" : string.Join(", ", to.Keys))}");
        }

        return text.ToString();
    }

    /// <summary>A path from <paramref name="from"/> back to <paramref name="target"/>, depth first, or null.</summary>
    private List<string>? PathBack(string from, string target, List<string> path, HashSet<string> seen)
    {
        foreach (var next in Used(from))
        {
            if (next == target)
            {
                return [.. path, next];
            }

            if (seen.Add(next) && PathBack(next, target, [.. path, next], seen) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private string? FeatureOf(Type type)
    {
        var ns = type.Namespace; // a nested type's is its outermost type's
        if (ns is null || !ns.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = ns[Prefix.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    /// <summary>Everything a type's declaration and code name: types, methods and fields.</summary>
    private static IEnumerable<object> NamedBy(Type type)
    {
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (var item in type.GetInterfaces())
        {
            yield return item;
        }

        foreach (var field in type.GetFields(Declared))
        {
            yield return field.FieldType;
        }

        foreach (var property in type.GetProperties(Declared))
        {
            yield return property.PropertyType;
        }

        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            yield return method;
            foreach (var named in MethodBodyReferences.Of(method))
            {
                yield return named;
            }
        }
    }

    /// <summary>The types a named thing brings in: a method's declaring type and signature, a field's type, a type's generic arguments.</summary>
    private static IEnumerable<Type> Expand(object named) => named switch
    {
        Type type => TypesIn(type),
        FieldInfo field => TypesIn(field.DeclaringType).Concat(TypesIn(field.FieldType)),
        MethodBase method => TypesIn(method.DeclaringType)
            .Concat(method.GetParameters().SelectMany(p => TypesIn(p.ParameterType)))
            .Concat(method is MethodInfo info ? TypesIn(info.ReturnType) : [])
            .Concat(method is MethodInfo { IsGenericMethod: true } ? method.GetGenericArguments().SelectMany(TypesIn) : []),
        _ => [],
    };

    private static IEnumerable<Type> TypesIn(Type? type)
    {
        if (type is null || type.IsGenericParameter)
        {
            yield break;
        }

        if (type.HasElementType)
        {
            foreach (var element in TypesIn(type.GetElementType()))
            {
                yield return element;
            }

            yield break;
        }

        yield return type;
        if (type.IsConstructedGenericType)
        {
            foreach (var argument in type.GetGenericArguments().SelectMany(TypesIn))
            {
                yield return argument;
            }
        }
    }

    /// <summary>"Billing.StripeEventProcessor": the feature and type, a compiler-made type named by the type it was made for.</summary>
    private string Name(Type type)
    {
        while (type.DeclaringType is { } outer && type.Name.StartsWith('<'))
        {
            type = outer;
        }

        var name = (type.FullName ?? type.Name).Split('`')[0].Replace('+', '.');
        return name.StartsWith(Prefix, StringComparison.Ordinal) ? name[Prefix.Length..] : name;
    }
}
