using Microsoft.Extensions.Logging;
using Tenancy.Core.Data.Seeding;

namespace Tenancy.Benchmarks;

/// <summary>Prints the seeder's phases as they complete (a 10-million-tenant seed takes minutes), with row rates.</summary>
public sealed class PhaseLogger : ILogger<DemoDataSeeder>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        var phase = values.FirstOrDefault(v => v.Key == "Phase").Value as string;
        var seconds = values.FirstOrDefault(v => v.Key == "Seconds").Value as double?;
        var rows = values.FirstOrDefault(v => v.Key == "Rows").Value as long?;
        if (phase is null || seconds is null)
        {
            Console.WriteLine("#   " + formatter(state, exception));
            return;
        }

        var rate = rows > 0 ? $" ({rows:N0} rows, {rows / Math.Max(seconds.Value, 0.001):N0} rows/s)" : "";
        Console.WriteLine($"#   {phase}: {seconds:F1} s{rate}");
    }
}
