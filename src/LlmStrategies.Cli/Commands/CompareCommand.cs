using System.Globalization;
using System.Text.Json.Nodes;
using LlmStrategies.Cli.Configuration;
using LlmStrategies.Cli.Output;
using LlmStrategies.Cli.Running;
using LlmStrategies.Experiments;

namespace LlmStrategies.Cli.Commands;

/// <summary>One rung's comparison: means on the items both runs scored, and how many items went up, down or stayed.</summary>
internal sealed record RungComparison(string Strategy, double? BaselineMean, double? CurrentMean, int Shared, int Improved, int Regressed, int Unchanged, int OnlyInBaseline, int OnlyInCurrent);

/// <summary>One item whose score changed between the runs.</summary>
internal sealed record ItemChange(string Strategy, string Item, double Before, double After);

/// <summary>What <c>compare</c> found.</summary>
internal sealed record RunComparison(string Metric, IReadOnlyList<RungComparison> Rungs, IReadOnlyList<ItemChange> Changes, IReadOnlyList<string> OnlyInBaseline, IReadOnlyList<string> OnlyInCurrent);

/// <summary>
/// <c>compare</c>: two runs side by side on one metric (default the current run's primary metric): per rung the means
/// over the items both scored, and every item whose score changed, largest change first. Descriptive only; the
/// significance test is <c>gate</c>'s job.
/// </summary>
internal static class CompareCommand
{
    public static int Run(string baselinePath, string currentPath, string? metricText, int limit, bool jsonOutput, CliConsole console)
    {
        var baseline = GateCommand.LoadReport(baselinePath, "baseline");
        var current = GateCommand.LoadReport(currentPath, "current");
        var metric = current.Settings.PrimaryMetric;
        if (metricText is not null)
        {
            var known = current.Items.SelectMany(i => i.Scores.Keys).Concat(baseline.Items.SelectMany(i => i.Scores.Keys)).Distinct(StringComparer.Ordinal).ToArray();
            metric = ConfigLoader.ResolveMetric(metricText, known)
                ?? throw new CommandFailure(ExitCodes.ConfigError, $"--metric '{metricText}' is in neither run; their item metrics are {string.Join(", ", known.Select(m => $"'{m}'"))}.");
        }

        var comparison = Compare(baseline, current, metric);
        if (jsonOutput)
        {
            var rungs = new JsonArray();
            foreach (var r in comparison.Rungs)
            {
                rungs.Add((JsonNode)new JsonObject
                {
                    ["strategy"] = r.Strategy,
                    ["baselineMean"] = ResultJson.Number(r.BaselineMean),
                    ["currentMean"] = ResultJson.Number(r.CurrentMean),
                    ["difference"] = ResultJson.Number(r.CurrentMean - r.BaselineMean),
                    ["sharedItems"] = r.Shared,
                    ["improved"] = r.Improved,
                    ["regressed"] = r.Regressed,
                    ["unchanged"] = r.Unchanged,
                    ["onlyInBaseline"] = r.OnlyInBaseline,
                    ["onlyInCurrent"] = r.OnlyInCurrent,
                });
            }

            var changes = new JsonArray();
            foreach (var c in comparison.Changes.Take(limit))
            {
                changes.Add((JsonNode)new JsonObject { ["strategy"] = c.Strategy, ["item"] = c.Item, ["before"] = ResultJson.Number(c.Before), ["after"] = ResultJson.Number(c.After) });
            }

            console.Out.WriteLine(ResultJson.Write(new JsonObject
            {
                ["command"] = "compare",
                ["exitCode"] = ExitCodes.Success,
                ["metric"] = metric,
                ["rungs"] = rungs,
                ["changedItems"] = comparison.Changes.Count,
                ["changes"] = changes,
                ["strategiesOnlyInBaseline"] = ResultJson.Strings(comparison.OnlyInBaseline),
                ["strategiesOnlyInCurrent"] = ResultJson.Strings(comparison.OnlyInCurrent),
            }));
            return ExitCodes.Success;
        }

        var o = console.Out;
        o.WriteLine($"Comparing on '{metric}': baseline {baselinePath} ({baseline.CompletedAt:u}) vs current {currentPath} ({current.CompletedAt:u})");
        o.WriteLine($"{"rung",-28} {"baseline",9} {"current",9} {"change",8} {"items",6} {"up",5} {"down",5} {"same",5}");
        foreach (var r in comparison.Rungs)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Strategy,-28} {F(r.BaselineMean),9} {F(r.CurrentMean),9} {(r.BaselineMean is { } b && r.CurrentMean is { } c ? (c - b).ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) : "n/a"),8} {r.Shared,6} {r.Improved,5} {r.Regressed,5} {r.Unchanged,5}"));
        }

        foreach (var s in comparison.OnlyInBaseline)
        {
            o.WriteLine($"  {s}: only in the baseline");
        }

        foreach (var s in comparison.OnlyInCurrent)
        {
            o.WriteLine($"  {s}: only in the current run");
        }

        o.WriteLine(comparison.Changes.Count == 0 ? "No item changed its score." : $"{comparison.Changes.Count} item × rung scores changed{(comparison.Changes.Count > limit ? $" (largest {limit} shown; --limit for more)" : string.Empty)}:");
        foreach (var c in comparison.Changes.Take(limit))
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(c.After > c.Before ? "+" : "-")} {c.Strategy} / {c.Item}: {c.Before:0.###} -> {c.After:0.###}"));
        }

        return ExitCodes.Success;
    }

    public static RunComparison Compare(ExperimentReport baseline, ExperimentReport current, string metric)
    {
        static Dictionary<string, Dictionary<string, double>> Scores(ExperimentReport report, string metric) =>
            report.Items
                .Where(i => i.Scores.TryGetValue(metric, out var v) && v is { } d && double.IsFinite(d))
                .GroupBy(i => i.Strategy, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.GroupBy(i => i.Item, StringComparer.Ordinal).ToDictionary(x => x.Key, x => x.Average(i => i.Scores[metric]!.Value), StringComparer.Ordinal), StringComparer.Ordinal);

        var before = Scores(baseline, metric);
        var after = Scores(current, metric);
        var rungs = new List<RungComparison>();
        var changes = new List<ItemChange>();
        var baselineNames = baseline.Strategies.Select(s => s.Strategy.Name).ToArray();
        var currentNames = current.Strategies.Select(s => s.Strategy.Name).ToArray();
        foreach (var name in currentNames.Where(baselineNames.Contains))
        {
            var b = before.GetValueOrDefault(name) ?? [];
            var a = after.GetValueOrDefault(name) ?? [];
            var shared = b.Keys.Where(a.ContainsKey).Order(StringComparer.Ordinal).ToArray();
            int up = 0, down = 0, same = 0;
            foreach (var item in shared)
            {
                var delta = a[item] - b[item];
                if (Math.Abs(delta) < 1e-12)
                {
                    same++;
                    continue;
                }

                if (delta > 0)
                {
                    up++;
                }
                else
                {
                    down++;
                }

                changes.Add(new ItemChange(name, item, b[item], a[item]));
            }

            rungs.Add(new RungComparison(
                name,
                shared.Length == 0 ? null : shared.Average(i => b[i]),
                shared.Length == 0 ? null : shared.Average(i => a[i]),
                shared.Length,
                up,
                down,
                same,
                b.Keys.Count(k => !a.ContainsKey(k)),
                a.Keys.Count(k => !b.ContainsKey(k))));
        }

        return new RunComparison(
            metric,
            rungs,
            changes.OrderByDescending(c => Math.Abs(c.After - c.Before)).ThenBy(c => c.Strategy, StringComparer.Ordinal).ThenBy(c => c.Item, StringComparer.Ordinal).ToArray(),
            baselineNames.Where(n => !currentNames.Contains(n)).ToArray(),
            currentNames.Where(n => !baselineNames.Contains(n)).ToArray());
    }

    private static string F(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
}
