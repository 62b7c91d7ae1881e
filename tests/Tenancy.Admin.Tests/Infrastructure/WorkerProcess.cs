using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Npgsql;

namespace Tenancy.Admin.Tests.Infrastructure;

/// <summary>
/// The real app in the worker role as a child process (<c>dotnet Tenancy.Admin.dll --role worker</c>,
/// the build this test project references), on a test's PostgreSQL database: what a deployment
/// runs, so a test can kill it outright, which an in-process host cannot show. Its sessions carry
/// <see cref="Name"/> as their application name, so a test finds them in <c>pg_stat_activity</c>.
/// Disposing kills it if it still runs.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private int _pid;
    private int? _exitCode;

    private WorkerProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>Its name in test messages and its sessions' application name.</summary>
    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Whether <see cref="KillAsync"/> ended it (an exit otherwise is a failure of its own).</summary>
    public bool WasKilled { get; private set; }

    /// <summary>Everything it wrote to stdout and stderr so far, for a failure message.</summary>
    public string Output =>
        $"--- {Name} (pid {_pid}{(_exitCode is { } code ? $", exit code {code}" : "")}) ---{Environment.NewLine}" +
        string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts a worker on <paramref name="connectionString"/>. <paramref name="settings"/> are
    /// configuration keys (<c>Restore:JobLease</c>); they reach the app as environment variables.
    /// The database is already migrated and gets no demo data; the process listens only on a free
    /// loopback port (its health checks) and needs no web or sign-in configuration.
    /// </summary>
    public static WorkerProcess Start(string name, string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        var app = Path.Combine(AppContext.BaseDirectory, "Tenancy.Admin.dll");
        if (!File.Exists(app))
        {
            throw new InvalidOperationException($"{app} is missing: the test project references Tenancy.Admin, so building it puts the app there.");
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { app, "--role", "worker", "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(argument);
        }

        var configuration = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Database:Provider"] = "Postgres",
            ["Database:MigrateOnStartup"] = "false",
            ["Database:DemoTenants"] = "0",
            ["ConnectionStrings:Tenancy"] = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = name }.ConnectionString,
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ",
        };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        foreach (var (key, value) in configuration)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = start };
        var worker = new WorkerProcess(name, process);
        process.EnableRaisingEvents = true;
        process.OutputDataReceived += (_, e) => worker.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Collect(e.Data);
        process.Exited += (_, _) => worker._exitCode = process.ExitCode;
        process.Start();
        worker._pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Kills the process and its children at once (SIGKILL on Unix: no shutdown code runs) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            WasKilled = true;
            _process.Kill(entireProcessTree: true);
        }

        // Also drains its output: WaitForExitAsync returns once the pipes are closed.
        using var timeout = new CancellationTokenSource(ExitTimeout);
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started: nothing to kill.
        }
        catch (OperationCanceledException)
        {
            // Still not gone after the kill; disposing must not hide the test's own failure.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    /// <summary>
    /// The <c>dotnet</c> host: the one the SDK names when it runs the tests, or the one of the
    /// runtime running them (its runtime directory is <c>&lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/</c>).
    /// </summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } fromSdk && File.Exists(fromSdk))
        {
            return fromSdk;
        }

        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host)
            ? host
            : throw new InvalidOperationException($"No dotnet host at {host} (from the runtime directory {RuntimeEnvironment.GetRuntimeDirectory()}); set DOTNET_HOST_PATH.");
    }
}
