using System.Text.Json;
using Microsoft.Playwright;

namespace Tenancy.E2E.Accessibility;

/// <summary>One problem axe-core found: its rule, how bad, and where.</summary>
public sealed record AxeViolation(string Id, string? Impact, string Help, IReadOnlyList<string> Targets)
{
    public bool IsSeriousOrWorse => Impact is "serious" or "critical";

    public override string ToString() => $"{Impact} {Id}: {Help} at {string.Join(" | ", Targets.Take(5))}{(Targets.Count > 5 ? $" (+{Targets.Count - 5})" : "")}";
}

/// <summary>
/// Runs axe-core (vendored from npm in this folder, see wwwroot-assets/README.md) in a page:
/// injected with Playwright's script tag, so the session must bypass the portal's Content
/// Security Policy (<c>NewSessionAsync(bypassCsp: true)</c>).
/// </summary>
public static class AxeScan
{
    private static readonly string ScriptPath = Path.Combine(AppContext.BaseDirectory, "Accessibility", "axe.min.js");

    public static async Task<IReadOnlyList<AxeViolation>> RunAsync(IPage page)
    {
        await page.AddScriptTagAsync(new() { Path = ScriptPath });
        var json = await page.EvaluateAsync<JsonElement>(
            """
            async () => {
              const results = await axe.run(document, { resultTypes: ["violations"] });
              return results.violations.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                targets: v.nodes.map(n => n.target.join(" ") + (n.any.length ? " — " + n.any.map(c => c.message).join("; ") : "")),
              }));
            }
            """);
        return [.. json.EnumerateArray().Select(v => new AxeViolation(
            v.GetProperty("id").GetString()!,
            v.GetProperty("impact").GetString(),
            v.GetProperty("help").GetString()!,
            [.. v.GetProperty("targets").EnumerateArray().Select(t => t.GetString()!)]))];
    }
}
