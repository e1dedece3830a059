using LlmStrategies.Embeddings.Local.Model;
using LlmStrategies.Text.Unicode;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Embeddings.Local;

/// <summary>
/// Offline 512-dimensional sentence embeddings from the Universal Sentence Encoder Lite, computed in-process
/// by a C# port of the original TF.js graph (no network, no native dependency). Vectors are L2-normalised, so
/// the dot product is the cosine similarity. Each text is truncated to its first 128 tokens, as in the original.
/// </summary>
/// <remarks>
/// Thread-safe: concurrent calls run in parallel, each with its own pooled scratch memory. Work is CPU-bound
/// and runs on the calling thread (plus up to <see cref="LocalEmbeddingOptions.MaxDegreeOfParallelism"/> - 1
/// pool threads), so the returned task is already complete. Wrap it with
/// <c>UseDistributedCache</c> (Microsoft.Extensions.AI) to cache embeddings.
/// </remarks>
public sealed unsafe class LocalEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model id reported in metadata and on every embedding.</summary>
    public const string ModelId = "universal-sentence-encoder-lite";

    /// <summary>
    /// Identifies the tokenisation, including the Unicode normalisation it applies (NFKC over this library's own Unicode
    /// 15.0.0 tables, the same in every globalization mode): record it next to stored vectors, since a different value
    /// can tokenise some texts differently. Also in <see cref="GeneratedEmbeddings{TEmbedding}"/>.AdditionalProperties
    /// under <see cref="TokenizerIdPropertyName"/>.
    /// </summary>
    public const string TokenizerId = "use-lite-sentencepiece/" + UnicodeNormalizer.NfkcIdentifier;

    /// <summary>The key of <see cref="TokenizerId"/> in the additional properties of every result: <c>tokenizer</c>.</summary>
    public const string TokenizerIdPropertyName = "tokenizer";

    /// <summary>Length of every embedding vector.</summary>
    public const int Dimensions = UseLiteEncoder.OutputWidth;

    private const string ProviderName = "LlmStrategies.Embeddings.Local";
    private readonly UseLiteModel _model;
    private readonly int _maxDegreeOfParallelism;
    private readonly Stack<EncoderWorkspace> _workspaces = new();
    private readonly EmbeddingGeneratorMetadata _metadata = new(ProviderName, providerUri: null, ModelId, Dimensions);
    private volatile bool _disposed;

    /// <summary>
    /// Loads the model from the default location (see <see cref="LocalEmbeddingOptions.ModelDirectory"/>), downloading it
    /// there first when it is missing (see <see cref="LocalEmbeddingOptions.AutoDownload"/>).
    /// </summary>
    /// <exception cref="LocalEmbeddingModelException">The model files are missing and could not be downloaded, or do not match the expected checksums.</exception>
    public LocalEmbeddingGenerator()
        : this(new LocalEmbeddingOptions())
    {
    }

    /// <summary>
    /// Loads and verifies the model, downloading it first when it is missing and <see cref="LocalEmbeddingOptions.AutoDownload"/>
    /// allows (about 25 MiB, once per model directory; this constructor blocks until it is installed).
    /// </summary>
    /// <param name="options">Where the model is, whether and from where to download it, and how many threads a call may use.</param>
    /// <exception cref="LocalEmbeddingModelException">
    /// The model files are missing (and could not be downloaded: the message names the URL, the reason and the fixes) or do not
    /// match the expected checksums.
    /// </exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">
    /// A setting is invalid (<see cref="LocalEmbeddingOptions.MaxDegreeOfParallelism"/> below 1, a non-positive
    /// <see cref="LocalEmbeddingOptions.DownloadTimeout"/>, a registry that is not an http(s) URL, a blank model directory); the message names it.
    /// </exception>
    public LocalEmbeddingGenerator(LocalEmbeddingOptions options)
    {
        ValidatedOptions.ThrowIfInvalid(new LocalEmbeddingOptionsValidator(), options);

        var (directory, source) = ModelFiles.Resolve(options);
        ModelPackageInstaller.InstallIfMissing(directory, options);
        _model = UseLiteModel.Load(directory, source);
        _maxDegreeOfParallelism = options.MaxDegreeOfParallelism;
    }

    internal LocalEmbeddingGenerator(UseLiteModel model, int maxDegreeOfParallelism)
    {
        _model = model;
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
    }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckOptions(options);
        var texts = values as string[] ?? values.ToArray();
        for (var i = 0; i < texts.Length; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"Input {i} is null; every value to embed must be a string (use \"\" for empty text).", nameof(values));
            }
        }

        var vectors = new float[texts.Length * Dimensions];
        var tokens = EmbedInto(texts, vectors, cancellationToken);
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Length)
        {
            Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens },
            AdditionalProperties = new() { [TokenizerIdPropertyName] = TokenizerId },
        };
        for (var i = 0; i < texts.Length; i++)
        {
            result.Add(new Embedding<float>(new ReadOnlyMemory<float>(vectors, i * Dimensions, Dimensions)) { ModelId = ModelId });
        }

        return Task.FromResult(result);
    }

    /// <summary>
    /// Embeds <paramref name="texts"/> into <paramref name="destination"/>, <see cref="Dimensions"/> floats per text in
    /// order, without allocating per call once warm (for callers that store vectors in their own matrix).
    /// </summary>
    /// <param name="texts">The texts; each is truncated to its first 128 tokens.</param>
    /// <param name="destination">At least <c>texts.Length * 512</c> floats.</param>
    /// <param name="cancellationToken">Checked between chunks of at most 512 tokens.</param>
    /// <returns>The number of tokens encoded (after truncation).</returns>
    public long EmbedInto(ReadOnlySpan<string> texts, Span<float> destination, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length < texts.Length * Dimensions)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats but {texts.Length} texts need {texts.Length * Dimensions}.", nameof(destination));
        }

        for (var i = 0; i < texts.Length; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"Text {i} is null; every text to embed must be a string (use \"\" for empty text).", nameof(texts));
            }
        }

        var threads = Math.Min(_maxDegreeOfParallelism, (texts.Length + 31) / 32);
        if (threads <= 1)
        {
            var workspace = RentWorkspace();
            try
            {
                return _model.Embed(texts, destination, workspace, cancellationToken);
            }
            finally
            {
                ReturnWorkspace(workspace);
            }
        }

        return EmbedInParallel(texts.ToArray(), destination, threads, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        lock (_workspaces)
        {
            _workspaces.Clear();
        }
    }

    private long EmbedInParallel(string[] texts, Span<float> destination, int threads, CancellationToken cancellationToken)
    {
        // Contiguous ranges, one per thread, each encoded chunk by chunk with its own workspace straight into its
        // part of the destination (pinned for the duration, since a span cannot be captured by the lambda).
        var tokens = new long[threads];
        fixed (float* pinned = destination)
        {
            var address = (nint)pinned;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken }, part =>
            {
                var start = (int)((long)texts.Length * part / threads);
                var end = (int)((long)texts.Length * (part + 1) / threads);
                var target = new Span<float>((float*)address + ((nint)start * Dimensions), (end - start) * Dimensions);
                var workspace = RentWorkspace();
                try
                {
                    tokens[part] = _model.Embed(texts.AsSpan(start, end - start), target, workspace, cancellationToken);
                }
                finally
                {
                    ReturnWorkspace(workspace);
                }
            });
        }

        return tokens.Sum();
    }

    private static void CheckOptions(EmbeddingGenerationOptions? options)
    {
        if (options?.Dimensions is { } dimensions && dimensions != Dimensions)
        {
            throw new ArgumentException(
                $"EmbeddingGenerationOptions.Dimensions is {dimensions}, but the Universal Sentence Encoder Lite always produces {Dimensions} dimensions; leave it null or set {Dimensions}.",
                nameof(options));
        }

        if (options?.ModelId is { } modelId && !string.Equals(modelId, ModelId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"EmbeddingGenerationOptions.ModelId is '{modelId}', but this generator only runs '{ModelId}'; leave it null or set '{ModelId}'.",
                nameof(options));
        }
    }

    private EncoderWorkspace RentWorkspace()
    {
        lock (_workspaces)
        {
            if (_workspaces.Count > 0)
            {
                return _workspaces.Pop();
            }
        }

        return _model.CreateWorkspace();
    }

    private void ReturnWorkspace(EncoderWorkspace workspace)
    {
        lock (_workspaces)
        {
            // Keep at most one idle workspace per core (about 7.5 MiB each).
            if (!_disposed && _workspaces.Count < Environment.ProcessorCount)
            {
                _workspaces.Push(workspace);
            }
        }
    }
}
