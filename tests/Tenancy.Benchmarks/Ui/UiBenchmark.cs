using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using Npgsql;
using Tenancy.Core.Data;
using static System.FormattableString;

namespace Tenancy.Benchmarks.Ui;

/// <summary>
/// The portal as a support agent feels it, in Chromium: the real portal in its own process
/// (Development, so the demo sign-in is there), on the zero-set-up SQLite demo or on PostgreSQL.
/// Every time is taken inside the page (performance.now()), from the user's input event (the
/// click, the last key) to the moment the new rows are in the DOM, so Playwright's own round
/// trips are not in it. Then memory: the portal's resident set before and after
/// <see cref="BenchOptions.Circuits"/> more agents sit idle on the tenant list.
/// </summary>
public static class UiBenchmark
{
    /// <summary>Targets of issue 13: next-page click to rows and last key to rows (p95), memory per idle circuit.</summary>
    private const double TargetNextPageP95 = 100;
    private const double TargetSearchP95 = 350;
    private const double TargetMegabytesPerCircuit = 2;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var chromium = Environment.GetEnvironmentVariable("TENANCY_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new BenchOptionsException($"No Chromium at {chromium}: apt-get install chromium, or set TENANCY_CHROMIUM.");
        }

        var (provider, connectionString, tenants) = await PrepareDatabaseAsync(options);
        Console.WriteLine($"# ui: {provider}, {(tenants > 0 ? $"{tenants:N0} demo tenants" : "the benchmark database's tenants")}, {options.Samples} samples per case, {options.Circuits} idle circuits");
        await using var portal = await PortalProcess.StartAsync(provider, connectionString, tenants);
        Console.WriteLine($"# ui: portal pid {portal.Pid} at {portal.BaseAddress} (started in {portal.StartSeconds:F1} s)");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking"],
        });

        var signedIn = await SignInAsync(browser, portal.BaseAddress);
        await using var context = await NewContextAsync(browser, portal.BaseAddress, signedIn);
        var page = await context.NewPageAsync();
        var list = new ListDriver(page);
        await list.OpenAsync();

        var terms = await list.SearchTermsAsync(options.Samples);
        Console.WriteLine($"# ui: search terms from the first pages' names: {string.Join(", ", terms.Take(8))}{(terms.Count > 8 ? ", …" : "")}");

        // Warm-up: the JIT, the database's caches and the circuit's first renders are not what an agent waits for all day.
        for (var i = 0; i < 10; i++)
        {
            await list.NextPageAsync();
        }

        await list.OpenAsync();
        await list.SearchAsync(terms[0]);
        await list.OpenAsync();

        var failed = false;
        var nextPage = new List<double>();
        for (var i = 0; i < options.Samples; i++)
        {
            if (i % 40 == 0)
            {
                await list.OpenAsync(); // back to the first page now and then: deep pages are the browse benchmark's subject
            }

            nextPage.Add(await list.NextPageAsync());
        }

        failed |= Report("ui-next-page", nextPage, TargetNextPageP95);

        var search = new List<double>();
        await list.OpenAsync();
        for (var i = 0; i < options.Samples; i++)
        {
            search.Add(await list.SearchAsync(terms[i % terms.Count]));
        }

        failed |= Report("ui-search", search, TargetSearchP95);

        var open = new List<double>();
        await list.OpenAsync();
        for (var i = 0; i < options.Samples; i++)
        {
            if (i > 0 && i % 20 == 0)
            {
                await list.NextPageAsync();
            }

            open.Add(await list.OpenTenantAsync(i % 20));
        }

        Report("ui-open-tenant", open, target: null);

        failed |= !await MeasureIdleCircuitsAsync(browser, portal, signedIn, options.Circuits);
        return failed ? 1 : 0;
    }

    private static bool Report(string name, List<double> samples, double? target)
    {
        samples.Sort();
        var p50 = Percentile(samples, 0.50);
        var p95 = Percentile(samples, 0.95);
        Console.WriteLine(Invariant($"BENCH {name} p50_ms={p50:F0} p95_ms={p95:F0} samples={samples.Count} min_ms={samples[0]:F0} max_ms={samples[^1]:F0}"));
        if (target is { } t)
        {
            var met = p95 <= t;
            Console.WriteLine(Invariant($"# {name}: target p95 <= {t:F0} ms: {(met ? "met" : "NOT met")}"));
            return !met;
        }

        return false;
    }

    /// <summary>Nearest-rank percentile.</summary>
    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>
    /// Opens <paramref name="circuits"/> more signed-in pages on the tenant list, each its own
    /// browser context (an agent), leaves them idle and reads the portal's resident set before and
    /// after. The before is read after the timed cases, so the process is warm.
    /// </summary>
    private static async Task<bool> MeasureIdleCircuitsAsync(IBrowser browser, PortalProcess portal, string signedIn, int circuits)
    {
        await Task.Delay(TimeSpan.FromSeconds(5));
        var before = portal.ResidentMegabytes();
        var contexts = new List<IBrowserContext>();
        try
        {
            for (var i = 0; i < circuits; i++)
            {
                var context = await NewContextAsync(browser, portal.BaseAddress, signedIn);
                contexts.Add(context);
                var page = await context.NewPageAsync();
                await new ListDriver(page).OpenAsync();
            }

            // Idle: what a circuit keeps, not what a render allocates on its way.
            await Task.Delay(TimeSpan.FromSeconds(15));
            var after = portal.ResidentMegabytes();
            var perCircuit = (after - before) / circuits;
            Console.WriteLine(Invariant($"# ui-circuit-memory: resident {before:F1} MB before, {after:F1} MB with {circuits} more idle circuits on the tenant list"));
            Console.WriteLine(Invariant($"BENCH ui-circuit-memory circuits={circuits} mb_per_circuit={perCircuit:F2}"));
            var met = perCircuit <= TargetMegabytesPerCircuit;
            Console.WriteLine(Invariant($"# ui-circuit-memory: target <= {TargetMegabytesPerCircuit:F0} MB per circuit: {(met ? "met" : "NOT met")}"));
            return met;
        }
        finally
        {
            foreach (var context in contexts)
            {
                await context.DisposeAsync();
            }
        }
    }

    private static async Task<string> SignInAsync(IBrowser browser, Uri baseAddress)
    {
        await using var context = await NewContextAsync(browser, baseAddress, storageState: null);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin?ReturnUrl=%2Ftenants");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex(@"^Sign in as .+ \(Support\)$") }).ClickAsync();
        await page.WaitForURLAsync("**/tenants");
        return await context.StorageStateAsync();
    }

    private static Task<IBrowserContext> NewContextAsync(IBrowser browser, Uri baseAddress, string? storageState) =>
        browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            StorageState = storageState,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "en-US",
            TimezoneId = "UTC",
            ReducedMotion = ReducedMotion.Reduce,
        });

    /// <summary>The demo on SQLite (seeded by the portal's first start), or PostgreSQL seeded like the other benchmarks.</summary>
    private static async Task<(DatabaseProvider Provider, string ConnectionString, int Tenants)> PrepareDatabaseAsync(BenchOptions options)
    {
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var file = options.Connection ?? Path.Combine(Path.GetTempPath(), $"tenancy-ui-bench-{options.Tenants}.db");
            return (DatabaseProvider.Sqlite, $"Data Source={file}", options.Tenants);
        }

        var connectionString = options.PostgresConnectionString();
        await using (var services = SeedBenchmark.CreateServices(options))
        {
            await SeedBenchmark.MigrateAndSeedUnlessSeededAsync(services, connectionString, options.Tenants);
        }

        return (DatabaseProvider.Postgres, connectionString, 0);
    }

    /// <summary>Drives the tenant list and times it inside the page.</summary>
    private sealed class ListDriver(IPage page)
    {
        /// <summary>
        /// Installed before each timed action: records the input event's time and resolves when the
        /// list shows the expected state (not busy, rows present, different rows from before, and
        /// the URL and first row the case expects).
        /// </summary>
        private const string WatchScript =
            """
            ({ kind, term }) => {
              const rows = () => [...document.querySelectorAll('[data-testid=tenant-table] tbody tr')];
              // The count is in it: a search whose first rows are the unfiltered list's still changes "100,000 tenants" to "N matches".
              const signature = () => (document.querySelector('[data-testid=tenant-count]')?.innerText ?? '') + '\n' + rows().map(r => r.innerText).join('\n');
              const before = signature();
              const state = window.__uiBench = { start: null, end: null };
              const startOn = kind === 'search' ? 'keydown' : 'click';
              document.addEventListener(startOn, () => { if (state.start === null) state.start = performance.now(); }, { capture: true, once: true });
              const done = () => {
                if (state.start === null) return false;
                if (kind === 'open') {
                  return /\/tenants\/[0-9a-f-]{36}/.test(location.pathname) && [...document.querySelectorAll('h1')].some(h => h.innerText.includes(term));
                }
                const table = document.querySelector('[data-testid=tenant-table]');
                if (!table || table.getAttribute('aria-busy') !== 'false' || !document.querySelector('[data-testid=tenant-count]')) return false;
                const shown = rows();
                if (shown.length === 0 || !shown[0].querySelector('a')) return false;
                if (signature() === before) return false;
                if (kind === 'search') {
                  return new URLSearchParams(location.search).get('q') === term && shown[0].innerText.toLowerCase().includes(term.toLowerCase());
                }
                return true;
              };
              const observer = new MutationObserver(() => {
                if (state.end === null && done()) { state.end = performance.now(); observer.disconnect(); }
              });
              observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
            }
            """;

        public async Task OpenAsync(string url = "/tenants")
        {
            await page.GotoAsync(url);
            await page.Locator("[data-testid=circuit-ready]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            await WaitForRowsAsync();
        }

        public async Task<IReadOnlyList<string>> SearchTermsAsync(int count)
        {
            var terms = new List<string>();
            for (var i = 0; terms.Count < count && i < 20; i++)
            {
                var names = await page.Locator("[data-testid=tenant-table] tbody tr td:first-child a").AllInnerTextsAsync();
                foreach (var word in names.SelectMany(n => n.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
                {
                    var term = new string(word.Where(char.IsLetter).ToArray()).ToLowerInvariant();
                    if (term.Length >= 4 && !terms.Contains(term))
                    {
                        terms.Add(term);
                    }
                }

                await NextPageAsync();
            }

            return terms.Count > 0 ? terms : throw new InvalidOperationException("No names on the list to search for.");
        }

        public async Task<double> NextPageAsync()
        {
            await page.EvaluateAsync(WatchScript, new { kind = "next", term = "" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
            return await ElapsedAsync();
        }

        /// <summary>
        /// Types all but the last letter at 40 ms a key (faster than the debounce, as people type),
        /// then times the last key to the matching rows; clears the box afterwards.
        /// </summary>
        public async Task<double> SearchAsync(string term)
        {
            var box = page.Locator("#tenant-search");
            await box.ClickAsync();
            await box.PressSequentiallyAsync(term[..^1], new() { Delay = 40 });
            await page.EvaluateAsync(WatchScript, new { kind = "search", term });
            await box.PressAsync(term[^1..]);
            var elapsed = await ElapsedAsync();
            await box.FillAsync("");
            await page.WaitForFunctionAsync("() => !new URLSearchParams(location.search).has('q')");
            await WaitForRowsAsync();
            return elapsed;
        }

        /// <summary>Clicks the name of the row at <paramref name="index"/>, times it to the tenant's heading, and goes back to the list.</summary>
        public async Task<double> OpenTenantAsync(int index)
        {
            var link = page.Locator("[data-testid=tenant-table] tbody tr td:first-child a").Nth(index);
            var name = await link.InnerTextAsync();
            var listUrl = page.Url;
            await page.EvaluateAsync(WatchScript, new { kind = "open", term = name });
            await link.ClickAsync();
            var elapsed = await ElapsedAsync();
            await OpenAsync(listUrl);
            return elapsed;
        }

        private async Task<double> ElapsedAsync()
        {
            try
            {
                await page.WaitForFunctionAsync("() => window.__uiBench.end !== null", null, new() { Timeout = 30_000 });
            }
            catch (TimeoutException ex)
            {
                var seen = await page.EvaluateAsync<string>(
                    "() => JSON.stringify({ url: location.href, bench: window.__uiBench, h1: [...document.querySelectorAll('h1')].map(h => h.innerText), count: document.querySelector('[data-testid=tenant-count]')?.innerText })");
                throw new TimeoutException("The page never showed what was expected: " + seen, ex);
            }

            return await page.EvaluateAsync<double>("() => window.__uiBench.end - window.__uiBench.start");
        }

        private Task WaitForRowsAsync() =>
            page.WaitForFunctionAsync(
                "() => { const t = document.querySelector('[data-testid=tenant-table]'); return t && t.getAttribute('aria-busy') === 'false' && t.querySelector('tbody tr td a'); }",
                null, new() { Timeout = 30_000 });
    }

    /// <summary>The portal as its own process (<c>dotnet Tenancy.Admin.dll</c>), so its resident set is its own.</summary>
    private sealed class PortalProcess : IAsyncDisposable
    {
        private readonly Process _process;

        private PortalProcess(Process process, Uri baseAddress, double startSeconds)
        {
            _process = process;
            BaseAddress = baseAddress;
            StartSeconds = startSeconds;
        }

        public Uri BaseAddress { get; }

        public double StartSeconds { get; }

        public int Pid => _process.Id;

        public static async Task<PortalProcess> StartAsync(DatabaseProvider provider, string connectionString, int demoTenants)
        {
            var contentRoot = BenchPaths.PortalContentRoot();
            var dll = Path.Combine(contentRoot, "bin", "Release", "net10.0", "Tenancy.Admin.dll");
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet", [dll])
            {
                WorkingDirectory = contentRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            start.Environment["Database__Provider"] = provider.ToString();
            start.Environment["ConnectionStrings__Tenancy"] = connectionString;
            start.Environment["Database__DemoTenants"] = demoTenants.ToString(CultureInfo.InvariantCulture);
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            start.Environment["Logging__LogLevel__Tenancy.Core.Data.DatabaseInitializer"] = "Information";

            var stopwatch = Stopwatch.StartNew();
            var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the portal.");
            process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.WriteLine("# portal: " + e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine("# portal: " + e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var portal = new PortalProcess(process, new Uri($"http://127.0.0.1:{port}/"), 0);
            using var http = new HttpClient { BaseAddress = portal.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"The portal exited with {process.ExitCode} before it was ready.");
                }

                try
                {
                    if ((await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }

                if (stopwatch.Elapsed > TimeSpan.FromMinutes(20))
                {
                    throw new TimeoutException("The portal was not ready within 20 minutes.");
                }

                await Task.Delay(500);
            }

            return new PortalProcess(process, portal.BaseAddress, stopwatch.Elapsed.TotalSeconds);
        }

        /// <summary>VmRSS of the portal process, in MB.</summary>
        public double ResidentMegabytes()
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kilobytes = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return kilobytes / 1024.0;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
