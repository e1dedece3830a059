namespace LlmStrategies.Experiments;

/// <summary>
/// A persistent store of strategy responses keyed by (strategy fingerprint, model, item id, input, sample index), so
/// rerunning an experiment does not call the model again for anything it has already answered, and never hands one
/// item another item's answer.
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
    /// <summary>
    /// The key of one sample of one item's answer under one strategy: 32 hexadecimal characters hashing the strategy's
    /// fingerprint (as it was when the call was made, so a changed corpus or setting never reuses an answer), the declared
    /// model, the item's id, the item's input text and the sample index.
    /// </summary>
    /// <remarks>
    /// Items are keyed by id AND text: two items with the same question text (common in SQuAD, where several paragraphs
    /// are asked the same thing) get their own answers, and an item whose text was edited is answered again. The sample
    /// index keeps the repeats of a sampling model apart. Version 2 of the key: caches written with the version 1 key
    /// (fingerprint, model, text, repeat) are not reused.
    /// </remarks>
    /// <param name="fingerprint">The strategy's fingerprint.</param>
    /// <param name="model">The declared model, or <see langword="null"/>.</param>
    /// <param name="itemId">The item's id.</param>
    /// <param name="input">The item's input.</param>
    /// <param name="sample">The sample index: the repeat of a nondeterministic model (0 for the first).</param>
    /// <returns>The key.</returns>
    public static string For(StrategyFingerprint fingerprint, string? model, string itemId, string input, int sample)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(sample);
        return Evaluation.ContentHash.Of("response/v2", fingerprint.Value, model ?? string.Empty, itemId, input, sample.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
