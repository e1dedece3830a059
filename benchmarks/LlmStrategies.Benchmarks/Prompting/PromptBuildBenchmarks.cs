using BenchmarkDotNet.Attributes;
using LlmStrategies.Prompting;

namespace LlmStrategies.Benchmarks.Prompting;

/// <summary>
/// Building one prompt (system prompt, instructions, 5 examples, 5 retrieved chunks, a question): without a tokenizer,
/// with exact o200k_base token counts, and with a total budget that forces dropping.
/// </summary>
[MemoryDiagnoser]
public class PromptBuildBenchmarks
{
    private readonly SectionedPromptBuilder _plain = new();
    private readonly SectionedPromptBuilder _counted = new(new SectionedPromptBuilderOptions { Tokenizer = PromptTokenizers.O200kBase, TokenizerName = "o200k_base" });
    private readonly SectionedPromptBuilder _budgeted = new(new SectionedPromptBuilderOptions { Tokenizer = PromptTokenizers.O200kBase, TokenizerName = "o200k_base", Budget = new PromptBudget { MaxTotalTokens = 300 } });
    private PromptContext _context = null!;

    [GlobalSetup]
    public void Setup() => _context = new PromptContext
    {
        SystemPrompt = "You are the support assistant of Brightwater Networks, a maker of mesh Wi-Fi routers.",
        Instructions = "Answer in one or two sentences, using only the context, and cite the passages you use.",
        Question = "How long is the warranty on the Aurora X3, and does it cover damage from power surges?",
        Examples = Enumerable.Range(1, 5).Select(i => new FewShotExample { Id = $"e{i}", Input = $"Example question number {i} about the routers and their features?", Output = $"Example answer {i} [1].", Score = i / 10.0 }).ToArray(),
        Context = Enumerable.Range(1, 5).Select(i => new RetrievedChunk
        {
            ChunkId = $"c{i}",
            SourceId = $"doc-{i}",
            Text = $"Passage {i}: Every Brightwater router comes with a three-year limited warranty covering hardware faults but not damage from power surges; claims are filed through the portal within 30 days of a fault.",
        }).ToArray(),
    };

    [Benchmark(Baseline = true)]
    public ValueTask<BuiltPrompt> Build_NoTokenizer() => _plain.BuildAsync(_context);

    [Benchmark]
    public ValueTask<BuiltPrompt> Build_ExactTokenCounts() => _counted.BuildAsync(_context);

    [Benchmark]
    public ValueTask<BuiltPrompt> Build_WithBudgetDropping() => _budgeted.BuildAsync(_context);
}
