using System.Globalization;
using Npgsql;
using Tenancy.Core.Data;

namespace Tenancy.Benchmarks;

public sealed class BenchOptionsException(string message) : Exception(message);

/// <summary>Command-line options shared by the benchmark commands.</summary>
public sealed record BenchOptions
{
    public const string PostgresVariable = "TENANCY_TEST_POSTGRES";
    public const string BenchDatabase = "tenancy_bench";

    public int Tenants { get; init; } = 1_000_000;

    /// <summary>Timed samples per case for the tenant catalog.</summary>
    public int Samples { get; init; } = 100;

    /// <summary>Timed samples per case for the naive queries that take seconds.</summary>
    public int NaiveSamples { get; init; } = 5;

    public DatabaseProvider Provider { get; init; } = DatabaseProvider.Postgres;

    /// <summary>Webhooks: timed deliveries per closed-loop concurrency level (after a warm-up).</summary>
    public int Events { get; init; } = 10_000;

    /// <summary>Webhooks: concurrent senders for the closed-loop runs.</summary>
    public IReadOnlyList<int> Concurrency { get; init; } = [8, 32, 64];

    /// <summary>Webhooks: events in the inbox for each processor run.</summary>
    public int Inbox { get; init; } = 20_000;

    /// <summary>Webhooks: the delivery rate of the sustained run (events per second).</summary>
    public int Rate { get; init; } = 1_000;

    /// <summary>Webhooks: how long the sustained run delivers.</summary>
    public int Seconds { get; init; } = 30;

    /// <summary>Webhooks: which parts to run (accept, apply, sustained).</summary>
    public IReadOnlySet<string> Phases { get; init; } = new HashSet<string> { "accept", "apply", "sustained" };

    public string? Connection { get; init; }

    /// <summary>UI: idle signed-in agents on the tenant list for the memory measurement.</summary>
    public int Circuits { get; init; } = 30;

    /// <summary>Restore: rows of the tenant changed after the restore point.</summary>
    public int Changed { get; init; } = 100_000;

    /// <summary>Restore: after the first rewind, top the other tenants' data up to this many rows and rewind again.</summary>
    public long? Others { get; init; }

    /// <summary>Browse: run only the cases whose name contains one of these (all when empty).</summary>
    public IReadOnlyList<string> Cases { get; init; } = [];

    public bool RunsCase(string name) => Cases.Count == 0 || Cases.Any(c => name.Contains(c, StringComparison.Ordinal));

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            var value = i + 1 < args.Length ? args[++i] : throw new BenchOptionsException($"{name} needs a value");
            options = name switch
            {
                "--tenants" => options with { Tenants = PositiveInt(name, value) },
                "--samples" => options with { Samples = PositiveInt(name, value) },
                "--naive-samples" => options with { NaiveSamples = PositiveInt(name, value) },
                "--provider" => options with
                {
                    Provider = Enum.TryParse<DatabaseProvider>(value, ignoreCase: true, out var provider)
                        ? provider
                        : throw new BenchOptionsException($"unknown provider '{value}'"),
                },
                "--connection" => options with { Connection = value },
                "--changed" => options with { Changed = PositiveInt(name, value) },
                "--others" => options with { Others = PositiveInt(name, value) },
                "--cases" => options with { Cases = [.. value.Split(',').Select(c => c.Trim())] },
                "--events" => options with { Events = PositiveInt(name, value) },
                "--concurrency" => options with { Concurrency = [.. value.Split(',').Select(v => PositiveInt(name, v.Trim()))] },
                "--inbox" => options with { Inbox = PositiveInt(name, value) },
                "--rate" => options with { Rate = PositiveInt(name, value) },
                "--seconds" => options with { Seconds = PositiveInt(name, value) },
                "--circuits" => options with { Circuits = PositiveInt(name, value) },
                "--phases" => options with { Phases = value.Split(',').Select(p => p.Trim()).ToHashSet() },
                _ => throw new BenchOptionsException($"unknown option {name}"),
            };
        }

        return options;
    }

    /// <summary>The PostgreSQL connection string: --connection, or TENANCY_TEST_POSTGRES pointed at the benchmark database.</summary>
    public string PostgresConnectionString()
    {
        if (Connection is not null)
        {
            return Connection;
        }

        var server = Environment.GetEnvironmentVariable(PostgresVariable)
            ?? throw new BenchOptionsException($"{PostgresVariable} is not set: run through scripts/bench.sh, or pass --connection.");
        return new NpgsqlConnectionStringBuilder(server) { Database = BenchDatabase }.ConnectionString;
    }

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new BenchOptionsException($"{name} must be a positive whole number (got '{value}')");
}
