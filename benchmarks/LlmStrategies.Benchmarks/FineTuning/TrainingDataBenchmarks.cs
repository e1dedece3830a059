using BenchmarkDotNet.Attributes;
using LlmStrategies.Benchmarks.Retrieval;
using LlmStrategies.FewShot;
using LlmStrategies.FineTuning.TrainingData;

namespace LlmStrategies.Benchmarks.FineTuning;

/// <summary>
/// Preparing hosted fine-tuning data from SQuAD (../shared/data): the leakage check of 1,000 training questions against
/// 400 test questions, with the prefix-filtered index against comparing every pair with <see cref="LeakageGuard"/>
/// (same answers, see NearDuplicateIndexTests); and validating a 1,000-example chat JSONL file (paragraph + question →
/// answer, 181 o200k tokens each on average) including o200k token counts.
/// </summary>
[Config(typeof(FineTuningBenchmarkConfig))]
public class TrainingDataBenchmarks
{
    private List<TrainingExample> _train = null!;
    private List<string> _test = null!;
    private byte[] _jsonl = null!;
    private readonly LeakageGuard _guard = new();

    [GlobalSetup]
    public void Setup()
    {
        var squad = SquadRetrievalSet.Load();
        var questions = squad.Questions;
        _train = [.. questions.Take(1_000).Select((q, i) => new TrainingExample { Id = $"t{i}", Input = q.Question, Output = "answer" })];
        _test = [.. questions.Skip(questions.Count - 400).Select(q => q.Question)];

        var file = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.jsonl");
        new TrainingDataExporter(new TrainingDataExportOptions { SystemPrompt = "Answer from the paragraph with a short span." }).Export(
            questions.Take(1_000).Select((q, i) => new TrainingExample { Input = $"{squad.Paragraphs[q.Paragraph]}\n\nQuestion: {q.Question}", Output = $"Answer {i}" }),
            [],
            file);
        _jsonl = File.ReadAllBytes(file);
        File.Delete(file);
        if (LeakageCheck_EveryPair() != LeakageCheck_PrefixFilter())
        {
            throw new InvalidOperationException("The two leakage checks disagree; the comparison would be meaningless.");
        }
    }

    [Benchmark(Baseline = true)]
    public int LeakageCheck_EveryPair()
    {
        var leaks = 0;
        foreach (var example in _train)
        {
            foreach (var test in _test)
            {
                if (_guard.IsLeak(example.Input, test))
                {
                    leaks++;
                    break;
                }
            }
        }

        return leaks;
    }

    [Benchmark]
    public int LeakageCheck_PrefixFilter() => new TrainingDataExporter().FindLeaks(_train, _test).Count;

    [Benchmark]
    public long Validate1000Examples()
    {
        using var stream = new MemoryStream(_jsonl, writable: false);
        return new TrainingDataValidator().Validate(stream, "bench.jsonl").TotalTokens;
    }

}
