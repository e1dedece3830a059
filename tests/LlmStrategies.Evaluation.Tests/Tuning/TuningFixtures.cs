using System.Globalization;
using System.Text.RegularExpressions;
using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;
using LlmStrategies.Tuning;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Tests.Tuning;

/// <summary>
/// A tiny world where the best configuration is known: items "question i" with gold answer "answer i", and a model
/// whose instructions carry a skill s: it answers item i correctly when (7·i mod 10) &lt; s, so on any set of items a
/// higher skill is never worse, and on items covering every residue its mean SQuAD F1 is s / 10.
/// </summary>
internal static partial class TuningFixtures
{
    public const string Model = "test-model";

    public static EvaluationDataset Items(string name, int from, int count) =>
        new(name, Enumerable.Range(from, count).Select(i => new EvaluationItem
        {
            Id = $"q{i}",
            Input = $"question {i}",
            ExpectedOutputs = [$"answer {i}"],
            Label = "all",
            RelevantDocuments = new Dictionary<string, double> { [$"d{i}"] = 1 },
        }));

    public static int Residue(int item) => 7 * item % 10;

    /// <summary>The model: reads "skill=N" from any message and the item number from the last user message.</summary>
    public static TestChatClient SkillModel() => new()
    {
        GetResponseAsyncCallback = (messages, _, _) =>
        {
            var skill = messages.Select(m => SkillPattern().Match(m.Text)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).First();
            var item = int.Parse(QuestionPattern().Match(messages.Last(m => m.Role == ChatRole.User).Text).Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            var answer = Residue(item) < skill ? $"answer {item}" : "no idea";
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer))
            {
                Usage = new UsageDetails { InputTokenCount = 100, OutputTokenCount = 10, TotalTokenCount = 110 },
            });
        },
    };

    /// <summary>skill × style; style only changes the instructions' wording (a distinct strategy of equal quality).</summary>
    public static SearchSpace Space(params int[] skills) => new SearchSpace().Add("skill", skills.Length == 0 ? [1, 3, 5, 7, 9] : skills).Add("style", "plain", "polite");

    public static TunableStrategy Strategy(IChatClient model, SearchSpace? space = null) =>
        new("skilled", model, space ?? Space(), (builder, point) => builder.Configure(o => o.Instructions = $"skill={point.GetInt32("skill")}; style={point.GetString("style")}"), Model);

    public static TuningOptions Options(SearchMethod method = SearchMethod.Grid) => new()
    {
        Name = "test tuning",
        Metric = SquadEvaluator.F1MetricName,
        Evaluators = { new SquadEvaluator() },
        Method = method,
        Resamples = 500,
        MaxDegreeOfParallelism = 2,
    };

    public static PriceTable Prices() => new PriceTable().Set(Model, new ModelPrice(1m, 0.5m, 2m));

    /// <summary>Splits 300 items (ids q0..q299) 60/20/20 with seed 5.</summary>
    public static DatasetSplits Splits()
    {
        var all = Items("all", 0, 300);
        return DatasetSplitter.Split(all, new SplitOptions { Seed = 5, StratifyByLabel = false }).Apply(all);
    }

    public static int ItemNumber(string question) => int.Parse(QuestionPattern().Match(question).Groups[1].ValueSpan, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"skill=(\d+)")]
    private static partial Regex SkillPattern();

    [GeneratedRegex(@"question (\d+)")]
    private static partial Regex QuestionPattern();
}
