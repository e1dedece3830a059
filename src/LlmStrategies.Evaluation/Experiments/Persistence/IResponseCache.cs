namespace LlmStrategies.Experiments;

/// <summary>
/// A persistent store of strategy responses keyed by (strategy fingerprint, model, input, repeat), so rerunning an
/// experiment does not call the model again for anything it has already answered.
/// </summary>
public interface IResponseCache
{
    /// <summary>Looks a response up.</summary>
    /// <param name="key">The key (see <see cref="ResponseCacheKey"/>).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The response, or <see langword="null"/>.</returns>
    ValueTask<RecordedResponse?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores a response.</summary>
    /// <param name="key">The key.</param>
    /// <param name="response">The response.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the response is stored durably.</returns>
    ValueTask SetAsync(string key, RecordedResponse response, CancellationToken cancellationToken = default);
}

/// <summary>The cache key of a response.</summary>
public static class ResponseCacheKey
{
    /// <summary>The key of (fingerprint, model, input, repeat): 32 hexadecimal characters.</summary>
    /// <param name="fingerprint">The strategy's fingerprint.</param>
    /// <param name="model">The declared model, or <see langword="null"/>.</param>
    /// <param name="input">The item's input.</param>
    /// <param name="repeat">The repeat index (a nondeterministic model's repeats are separate samples).</param>
    /// <returns>The key.</returns>
    public static string For(StrategyFingerprint fingerprint, string? model, string input, int repeat)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Evaluation.ContentHash.Of("response", fingerprint.Value, model ?? string.Empty, input, repeat.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
