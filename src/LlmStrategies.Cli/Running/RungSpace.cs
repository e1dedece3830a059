using LlmStrategies.Cli.Configuration;
using LlmStrategies.Pipeline;
using LlmStrategies.Tuning;

namespace LlmStrategies.Cli.Running;

/// <summary>
/// The rung settings as a search space: what <c>tune</c> searches and what a tuned configuration file stores. A tuned
/// rung in <c>eval</c> rebuilds its pipeline with <see cref="Configure"/> from the stored point and space, and the
/// library checks the rebuilt strategy's fingerprint against the tuned one.
/// </summary>
internal static class RungSpace
{
    public const string Strategy = "strategy";
    public const string Retriever = "retriever";
    public const string Top = "top";
    public const string Examples = "examples";
    public const string Selector = "selector";

    public static SearchSpace Create(TuneSpaceConfig config) => new SearchSpace()
        .Add(Strategy, [.. config.Strategy])
        .Add(Retriever, [.. config.Retriever])
        .Add(Top, [.. config.Top])
        .Add(Examples, [.. config.Examples])
        .Add(Selector, [.. config.Selector]);

    /// <summary>The first value of every setting: the reference the tuner compares the chosen configuration with.</summary>
    public static SearchPoint Baseline(SearchSpace space) => space.PointAt(0);

    public static void Configure(StrategyPipelineBuilder builder, SearchPoint point, StrategyComponents components)
    {
        var strategy = point.GetString(Strategy);
        if (strategy is "few-shot" or "few-shot+rag")
        {
            var examples = point.GetInt32(Examples);
            builder.UseFewShot(components.Selector(SelectorOf(point.GetString(Selector)), examples), examples);
        }

        if (strategy is "rag" or "few-shot+rag")
        {
            builder.UseRetrievalAugmentation(components.Retriever(RetrieverOf(point.GetString(Retriever))), point.GetInt32(Top));
        }
    }

    /// <summary>The retrievers a space can use (only in points that retrieve).</summary>
    public static IEnumerable<RetrieverKind> Retrievers(SearchSpace space) =>
        space[Strategy].Values.Any(v => v.AsText().Contains("rag", StringComparison.Ordinal)) ? space[Retriever].Values.Select(v => RetrieverOf(v.AsText())) : [];

    /// <summary>The selectors a space can use (only in points with examples).</summary>
    public static IEnumerable<SelectorKind> Selectors(SearchSpace space) =>
        space[Strategy].Values.Any(v => v.AsText().StartsWith("few-shot", StringComparison.Ordinal)) ? space[Selector].Values.Select(v => SelectorOf(v.AsText())) : [];

    private static RetrieverKind RetrieverOf(string name) => Enum.Parse<RetrieverKind>(name, ignoreCase: true);

    private static SelectorKind SelectorOf(string name) => Enum.Parse<SelectorKind>(name, ignoreCase: true);
}
