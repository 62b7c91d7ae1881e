using System.Text;

namespace Tenancy.Benchmarks;

/// <summary>Appends <c>engine=…</c> to every <c>BENCH</c> line written through it; other lines pass unchanged.</summary>
public sealed class EngineTaggedWriter(TextWriter inner, string engine) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(value);

    public override void Write(string? value) => inner.Write(value);

    public override void WriteLine(string? value) =>
        inner.WriteLine(value is not null && value.StartsWith("BENCH ", StringComparison.Ordinal) ? $"{value} engine={engine}" : value);

    public override void Flush() => inner.Flush();
}
