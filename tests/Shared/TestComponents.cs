namespace LlmStrategies.Tests.TestDoubles;

internal sealed class TestRetriever(Func<RetrievalRequest, CancellationToken, ValueTask<IReadOnlyList<RetrievedChunk>>> callback) : IRetriever
{
    public List<RetrievalRequest> Requests { get; } = [];

    public ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        return callback(request, cancellationToken);
    }

    public static TestRetriever Returning(params RetrievedChunk[] chunks) =>
        new((request, _) => ValueTask.FromResult<IReadOnlyList<RetrievedChunk>>(chunks.Take(request.Top).ToArray()));
}

internal sealed class TestFewShotSelector(Func<FewShotRequest, CancellationToken, ValueTask<IReadOnlyList<FewShotExample>>> callback) : IFewShotSelector
{
    public List<FewShotRequest> Requests { get; } = [];

    public ValueTask<IReadOnlyList<FewShotExample>> SelectAsync(FewShotRequest request, CancellationToken cancellationToken = default)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        return callback(request, cancellationToken);
    }

    public static TestFewShotSelector Returning(params FewShotExample[] examples) =>
        new((request, _) => ValueTask.FromResult<IReadOnlyList<FewShotExample>>(examples.Take(request.Count).ToArray()));
}

internal sealed class TestOutputValidator(Func<OutputValidationContext, ValidationOutcome> callback) : IOutputValidator
{
    public List<OutputValidationContext> Contexts { get; } = [];

    public ValueTask<ValidationOutcome> ValidateAsync(OutputValidationContext context, CancellationToken cancellationToken = default)
    {
        Contexts.Add(context);
        return ValueTask.FromResult(callback(context));
    }
}

internal sealed class TestInputValidator(Func<StrategyRequest, ValidationOutcome> callback) : IInputValidator
{
    public ValueTask<ValidationOutcome> ValidateAsync(StrategyRequest request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(callback(request));
}

internal sealed class TestFilter(Func<StrategyRequest, FilterDecision> callback) : IRequestFilter
{
    public int Calls { get; private set; }

    public ValueTask<FilterDecision> FilterAsync(StrategyRequest request, CancellationToken cancellationToken = default)
    {
        Calls++;
        return ValueTask.FromResult(callback(request));
    }
}

internal static class Samples
{
    public static RetrievedChunk Chunk(string id, string text, double score = 1.0, string? source = null) =>
        new() { ChunkId = id, SourceId = source ?? "doc-" + id, Text = text, Score = score };

    public static FewShotExample Example(string id, string input, string output) =>
        new() { Id = id, Input = input, Output = output };
}
