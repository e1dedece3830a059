using Polly;

namespace LlmStrategies.Resilience;

/// <summary>
/// Runs a call through either a typed pipeline (the default recipe, which may hedge) or any non-generic Polly
/// <see cref="ResiliencePipeline"/> the caller brings (built with <see cref="ResiliencePipelineBuilder"/> or resolved
/// from Polly's DI), so the middleware has one code path for both.
/// </summary>
internal abstract class ResilienceExecutor<T>
{
    public abstract ValueTask<T> ExecuteAsync<TState>(Func<TState, CancellationToken, ValueTask<T>> callback, TState state, CancellationToken cancellationToken);

    public static ResilienceExecutor<T> From(ResiliencePipeline<T> pipeline) => new Typed(pipeline);

    public static ResilienceExecutor<T> From(ResiliencePipeline pipeline) => new Untyped(pipeline);

    private sealed class Typed(ResiliencePipeline<T> pipeline) : ResilienceExecutor<T>
    {
        public override ValueTask<T> ExecuteAsync<TState>(Func<TState, CancellationToken, ValueTask<T>> callback, TState state, CancellationToken cancellationToken) =>
            pipeline.ExecuteAsync(static (s, token) => s.Callback(s.State, token), (Callback: callback, State: state), cancellationToken);
    }

    private sealed class Untyped(ResiliencePipeline pipeline) : ResilienceExecutor<T>
    {
        public override ValueTask<T> ExecuteAsync<TState>(Func<TState, CancellationToken, ValueTask<T>> callback, TState state, CancellationToken cancellationToken) =>
            pipeline.ExecuteAsync(static (s, token) => s.Callback(s.State, token), (Callback: callback, State: state), cancellationToken);
    }
}
