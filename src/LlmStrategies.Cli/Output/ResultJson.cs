using System.Text.Json;
using System.Text.Json.Nodes;
using LlmStrategies.Experiments;

namespace LlmStrategies.Cli.Output;

/// <summary>The machine-readable results of <c>--output json</c>: one JSON object on standard output.</summary>
internal static class ResultJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Write(JsonObject result) => result.ToJsonString(Indented);

    public static JsonArray Strategies(ExperimentReport report)
    {
        var metric = report.Settings.PrimaryMetric;
        var array = new JsonArray();
        foreach (var s in report.Strategies)
        {
            var m = report.Metric(s.Strategy.Name, metric);
            array.Add((JsonNode)new JsonObject
            {
                ["name"] = s.Strategy.Name,
                ["model"] = s.Strategy.Model,
                ["fingerprint"] = s.Strategy.Fingerprint,
                ["metric"] = metric,
                ["mean"] = Number(m?.Count > 0 ? m.Mean : null),
                ["lower"] = Number(m?.Count > 0 ? m.Lower : null),
                ["upper"] = Number(m?.Count > 0 ? m.Upper : null),
                ["runs"] = s.Runs,
                ["fromCache"] = s.FromCache,
                ["strategyErrors"] = s.StrategyErrors,
                ["evaluationErrors"] = s.EvaluationErrors,
                ["cost"] = s.Cost.Total,
                ["incomplete"] = s.Incomplete,
            });
        }

        return array;
    }

    public static JsonObject Gate(GateResult gate)
    {
        var findings = new JsonArray();
        foreach (var f in gate.Findings)
        {
            findings.Add((JsonNode)new JsonObject
            {
                ["strategy"] = f.Strategy,
                ["metric"] = f.Metric,
                ["failed"] = f.Failed,
                ["baselineMean"] = Number(f.BaselineMean),
                ["currentMean"] = Number(f.CandidateMean),
                ["items"] = f.Items,
                ["pValue"] = Number(f.PValue),
                ["message"] = f.Message,
            });
        }

        return new JsonObject { ["passed"] = gate.Passed, ["findings"] = findings };
    }

    public static JsonArray Failing(IEnumerable<FailingItem> failing)
    {
        var array = new JsonArray();
        foreach (var f in failing)
        {
            array.Add((JsonNode)new JsonObject { ["strategy"] = f.Strategy, ["item"] = f.Item, ["reason"] = f.Reason });
        }

        return array;
    }

    public static JsonArray Strings(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (var v in values)
        {
            array.Add((JsonNode?)JsonValue.Create(v));
        }

        return array;
    }

    /// <summary>NaN and infinities are not JSON numbers; they become null.</summary>
    public static JsonNode? Number(double? value) => value is { } v && double.IsFinite(v) ? JsonValue.Create(v) : null;
}
