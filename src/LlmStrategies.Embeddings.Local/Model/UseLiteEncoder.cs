using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using LlmStrategies.Embeddings.Local.Model.Kernels;

namespace LlmStrategies.Embeddings.Local.Model;

/// <summary>
/// The Universal Sentence Encoder Lite forward pass, ported node by node from the TF.js graph in model.json
/// ("KonaTransformer"), for a batch of already tokenised sentences:
/// <list type="number">
/// <item>ClipToMaxLength keeps the first 128 tokens of each sentence.</item>
/// <item>Input signal x0 = 2·E[token] + [sin(p·τ), cos(p·τ)] with the 128 timescales τ stored in the graph
/// (the graph adds the embedding to itself plus the timing signal: Layer_0/add = Scatter + AddTimingSignal).</item>
/// <item>Layer 0 (width 256 → 512): pre-norm multi-head attention (4 heads × 64, q scaled by 0.125,
/// output projected to 512) plus a dense projection of x0 as the residual ("AdjustResidualInput"); then a
/// pre-norm ReLU feed-forward 512 → 1536 → 512 with a residual.</item>
/// <item>Layer 1 (width 512): the same with 4 heads × 128 (q scale 1/√128) and an identity residual.</item>
/// <item>Mean over the sentence's tokens, tanh(· W + b) with W 512 × 512, then x / √max(Σx², 1e-12).</item>
/// </list>
/// Layer norms use ε = 1e-6 and the population variance. Padding never influences a real token in the
/// graph (keys are masked with −1e9, whose softmax weight is exactly 0 in float32; feed-forward and residual
/// run on real tokens only), so each sentence is computed over its own tokens only, with no padding.
/// An empty sentence pools to the zero vector, as the graph's divide by max(length, 1) does.
/// Instances are immutable and safe to share across threads; all scratch lives in <see cref="EncoderWorkspace"/>.
/// </summary>
internal sealed unsafe class UseLiteEncoder
{
    public const int EmbeddingWidth = 256;
    public const int ModelWidth = 512;
    public const int HiddenWidth = 1536;
    public const int OutputWidth = 512;

    private const string EncodeScope = "module_apply_default/Encoder_en/KonaTransformer/Encode/";
    private const string Stack = EncodeScope + "TransformerStack/";
    private const string Kernels = "module/Encoder_en/KonaTransformer/Encode/";

    private readonly float[] _embeddings;
    private readonly float[] _timing;
    private readonly LayerNorm _attentionNorm0;
    private readonly LayerNorm _feedForwardNorm0;
    private readonly LayerNorm _attentionNorm1;
    private readonly LayerNorm _feedForwardNorm1;
    private readonly PackedMatrix _qkv0;
    private readonly PackedMatrix _attentionOutputAndResidual0;
    private readonly PackedMatrix _feedForwardIn0;
    private readonly PackedMatrix _feedForwardOut0;
    private readonly PackedMatrix _qkv1;
    private readonly PackedMatrix _attentionOutput1;
    private readonly PackedMatrix _feedForwardIn1;
    private readonly PackedMatrix _feedForwardOut1;
    private readonly PackedMatrix _final;
    private readonly float _queryScale0;
    private readonly float _queryScale1;
    private readonly float _normalizeFloor;
    private readonly bool _useVector512;

    public UseLiteEncoder(GraphWeights weights, bool useVector512)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _useVector512 = useVector512;
        MaxTokens = weights.ScalarInt("module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Less/y");
        HeadCount = weights.ScalarInt(Stack + "Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2");
        HeadWidth0 = weights.ScalarInt(Stack + "Layer_0/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/3");
        HeadWidth1 = weights.ScalarInt(Stack + "Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/3");
        if (HeadCount * HeadWidth0 != EmbeddingWidth || HeadCount * HeadWidth1 != ModelWidth)
        {
            throw new InvalidDataException($"Unexpected attention heads {HeadCount} x {HeadWidth0} / {HeadWidth1} in model.json.");
        }

        _embeddings = weights.Floats("module/Embeddings_en", 8002, EmbeddingWidth);
        VocabularyRows = 8002;
        var timescales = weights.Floats(Stack + "Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1", 1, EmbeddingWidth / 2);
        _timing = new float[MaxTokens * EmbeddingWidth];
        for (var position = 0; position < MaxTokens; position++)
        {
            for (var i = 0; i < EmbeddingWidth / 2; i++)
            {
                var angle = position * timescales[i];
                _timing[(position * EmbeddingWidth) + i] = MathF.Sin(angle);
                _timing[(position * EmbeddingWidth) + (EmbeddingWidth / 2) + i] = MathF.Cos(angle);
            }
        }

        var epsilon = weights.Scalar(Stack + "Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x");
        _attentionNorm0 = ReadNorm(weights, "Layer_0/TransformerLayer/layer_prepostprocess", EmbeddingWidth, epsilon);
        _feedForwardNorm0 = ReadNorm(weights, "Layer_0/TransformerLayer/FFN/layer_prepostprocess", ModelWidth, epsilon);
        _attentionNorm1 = ReadNorm(weights, "Layer_1/TransformerLayer/layer_prepostprocess", ModelWidth, epsilon);
        _feedForwardNorm1 = ReadNorm(weights, "Layer_1/TransformerLayer/FFN/layer_prepostprocess", ModelWidth, epsilon);

        _qkv0 = ReadProjection(weights, 0, "qkv_transform_single", EmbeddingWidth, 3 * EmbeddingWidth);
        _qkv1 = ReadProjection(weights, 1, "qkv_transform_single", ModelWidth, 3 * ModelWidth);
        _attentionOutput1 = ReadProjection(weights, 1, "output_transform_single", ModelWidth, ModelWidth);

        // Layer 0's attention output (ctx · Wo + bo) and residual projection (x0 · Wd + bd) are summed by the
        // graph; one multiply of [ctx | x0] by the stacked [Wo; Wd] with bias bo + bd computes the same sum.
        var outputKernel = weights.Floats(Kernels + "Layer_0/TransformerLayer/MultiheadAttention/output_transform_single/kernel/part_0", 1, 1, EmbeddingWidth, ModelWidth);
        var outputBias = weights.Floats(EncodeScope + "Layer_0/TransformerLayer/MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat", ModelWidth);
        var residualKernel = weights.Floats(EncodeScope + "Layer_0/TransformerLayer/dense/kernel/ConcatPartitions/concat", EmbeddingWidth, ModelWidth);
        var residualBias = weights.Floats(EncodeScope + "Layer_0/TransformerLayer/dense/bias/ConcatPartitions/concat", ModelWidth);
        var stacked = new float[2 * EmbeddingWidth * ModelWidth];
        outputKernel.CopyTo(stacked, 0);
        residualKernel.CopyTo(stacked, EmbeddingWidth * ModelWidth);
        var stackedBias = new float[ModelWidth];
        TensorPrimitives.Add(outputBias, residualBias, stackedBias);
        _attentionOutputAndResidual0 = new PackedMatrix(stacked, 2 * EmbeddingWidth, ModelWidth, stackedBias);

        (_feedForwardIn0, _feedForwardOut0) = ReadFeedForward(weights, 0);
        (_feedForwardIn1, _feedForwardOut1) = ReadFeedForward(weights, 1);

        _queryScale0 = weights.Scalar(Stack + "Layer_0/TransformerLayer/MultiheadAttention/mul/y");
        _queryScale1 = weights.Scalar(Stack + "Layer_1/TransformerLayer/MultiheadAttention/mul/y");
        _final = new PackedMatrix(
            weights.Floats("module/Encoder_en/hidden_layers/tanh_layer_0/weights", ModelWidth, OutputWidth),
            ModelWidth,
            OutputWidth,
            weights.Floats("module/Encoder_en/hidden_layers/tanh_layer_0/bias", OutputWidth));
        _normalizeFloor = weights.Scalar("module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y");
    }

    /// <summary>Tokens kept per sentence (the graph's ClipToMaxLength).</summary>
    public int MaxTokens { get; }

    public int HeadCount { get; }

    public int HeadWidth0 { get; }

    public int HeadWidth1 { get; }

    /// <summary>Rows of the embedding table; every token id must be below this.</summary>
    public int VocabularyRows { get; }

    /// <summary>Multiply-adds the dense layers perform per token (for FLOP accounting).</summary>
    public static long MultiplyAddsPerToken =>
        (EmbeddingWidth * 3L * EmbeddingWidth) + (2L * EmbeddingWidth * ModelWidth) + (2L * ModelWidth * HiddenWidth) +
        (ModelWidth * 3L * ModelWidth) + ((long)ModelWidth * ModelWidth) + (2L * ModelWidth * HiddenWidth);

    /// <summary>
    /// Embeds <paramref name="lengths"/>.Length sentences whose token ids (each sentence at most
    /// <see cref="MaxTokens"/>) are concatenated in <paramref name="tokens"/>, writing 512 floats per sentence.
    /// </summary>
    public void Encode(ReadOnlySpan<int> tokens, ReadOnlySpan<int> lengths, Span<float> output, EncoderWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var m = tokens.Length;
        var sentences = lengths.Length;
        if (m > workspace.MaxTokens || sentences > workspace.MaxSentences || output.Length < sentences * OutputWidth)
        {
            throw new ArgumentException($"Chunk of {m} tokens / {sentences} sentences does not fit the workspace or output.", nameof(tokens));
        }

        var cat = workspace.Concatenated.Pointer;   // [m, 512]: attention context | x0 (layer 0), context (layer 1)
        var norm = workspace.Normalized.Pointer;    // [m, 256 or 512]
        var wide = workspace.Wide.Pointer;          // [m, 1536]: qkv, then feed-forward hidden
        var state = workspace.State.Pointer;        // [m, 512]: the residual stream
        var pack = workspace.Pack.Pointer;

        if (m > 0)
        {
            // Input signal into the right half of cat.
            var row = 0;
            foreach (var length in lengths)
            {
                for (var position = 0; position < length; position++, row++)
                {
                    var id = tokens[row];
                    if ((uint)id >= (uint)VocabularyRows)
                    {
                        throw new ArgumentOutOfRangeException(nameof(tokens), $"Token id {id} is outside the vocabulary.");
                    }

                    TensorPrimitives.MultiplyAdd(
                        _embeddings.AsSpan(id * EmbeddingWidth, EmbeddingWidth),
                        2f,
                        _timing.AsSpan(position * EmbeddingWidth, EmbeddingWidth),
                        new Span<float>(cat + ((nint)row * ModelWidth) + EmbeddingWidth, EmbeddingWidth));
                }
            }

            // Layer 0.
            _attentionNorm0.Apply(cat + EmbeddingWidth, ModelWidth, norm, EmbeddingWidth, m);
            MatrixMultiply.Multiply(norm, EmbeddingWidth, m, _qkv0, wide, 3 * EmbeddingWidth, Epilogue.Store, pack, _useVector512);
            Attend(wide, EmbeddingWidth, HeadWidth0, _queryScale0, lengths, cat, ModelWidth, workspace);
            MatrixMultiply.Multiply(cat, ModelWidth, m, _attentionOutputAndResidual0, state, ModelWidth, Epilogue.Store, pack, _useVector512);
            FeedForward(state, m, _feedForwardNorm0, _feedForwardIn0, _feedForwardOut0, norm, wide, pack);

            // Layer 1.
            _attentionNorm1.Apply(state, ModelWidth, norm, ModelWidth, m);
            MatrixMultiply.Multiply(norm, ModelWidth, m, _qkv1, wide, 3 * ModelWidth, Epilogue.Store, pack, _useVector512);
            Attend(wide, ModelWidth, HeadWidth1, _queryScale1, lengths, cat, ModelWidth, workspace);
            MatrixMultiply.Multiply(cat, ModelWidth, m, _attentionOutput1, state, ModelWidth, Epilogue.Accumulate, pack, _useVector512);
            FeedForward(state, m, _feedForwardNorm1, _feedForwardIn1, _feedForwardOut1, norm, wide, pack);
        }

        // Mean pooling over each sentence's tokens (divide by max(length, 1), as the graph does).
        var pooled = workspace.Pooled.Pointer;
        var first = 0;
        for (var s = 0; s < sentences; s++)
        {
            var destination = new Span<float>(pooled + ((nint)s * ModelWidth), ModelWidth);
            destination.Clear();
            for (var t = 0; t < lengths[s]; t++)
            {
                TensorPrimitives.Add(destination, new ReadOnlySpan<float>(state + ((nint)(first + t) * ModelWidth), ModelWidth), destination);
            }

            TensorPrimitives.Divide(destination, Math.Max(lengths[s], 1), destination);
            first += lengths[s];
        }

        // tanh dense layer, then L2 normalisation.
        var projected = workspace.Projected.Pointer;
        MatrixMultiply.Multiply(pooled, ModelWidth, sentences, _final, projected, OutputWidth, Epilogue.Store, pack, _useVector512);
        for (var s = 0; s < sentences; s++)
        {
            var vector = new Span<float>(projected + ((nint)s * OutputWidth), OutputWidth);
            TensorPrimitives.Tanh(vector, vector);
            var scale = 1f / MathF.Sqrt(MathF.Max(TensorPrimitives.SumOfSquares(vector), _normalizeFloor));
            TensorPrimitives.Multiply(vector, scale, output.Slice(s * OutputWidth, OutputWidth));
        }
    }

    private void FeedForward(float* state, int m, LayerNorm norm, PackedMatrix into, PackedMatrix outOf, float* normalized, float* hidden, float* pack)
    {
        norm.Apply(state, ModelWidth, normalized, ModelWidth, m);
        MatrixMultiply.Multiply(normalized, ModelWidth, m, into, hidden, HiddenWidth, Epilogue.StoreRelu, pack, _useVector512);
        MatrixMultiply.Multiply(hidden, HiddenWidth, m, outOf, state, ModelWidth, Epilogue.Accumulate, pack, _useVector512);
    }

    /// <summary>
    /// Multi-head self-attention within each sentence. <paramref name="qkv"/> rows hold q | k | v, each
    /// <paramref name="width"/> wide; the context (heads side by side) goes to <paramref name="context"/>.
    /// </summary>
    private static void Attend(float* qkv, int width, int headWidth, float queryScale, ReadOnlySpan<int> lengths, float* context, int contextStride, EncoderWorkspace workspace)
    {
        var stride = 3 * width;
        var scores = workspace.Scores.Span;
        var first = 0;
        foreach (var length in lengths)
        {
            for (var t = 0; t < length; t++)
            {
                var query = new Span<float>(qkv + ((nint)(first + t) * stride), width);
                TensorPrimitives.Multiply(query, queryScale, query);
            }

            for (var head = 0; head < width / headWidth; head++)
            {
                var headOffset = head * headWidth;
                for (var i = 0; i < length; i++)
                {
                    var query = qkv + ((nint)(first + i) * stride) + headOffset;
                    var weights = scores[..length];
                    for (var j = 0; j < length; j++)
                    {
                        weights[j] = Dot(query, qkv + ((nint)(first + j) * stride) + width + headOffset, headWidth);
                    }

                    var max = TensorPrimitives.Max(weights);
                    TensorPrimitives.Subtract(weights, max, weights);
                    TensorPrimitives.Exp(weights, weights);
                    TensorPrimitives.Divide(weights, TensorPrimitives.Sum(weights), weights);

                    var destination = context + ((nint)(first + i) * contextStride) + headOffset;
                    new Span<float>(destination, headWidth).Clear();
                    for (var j = 0; j < length; j++)
                    {
                        MultiplyAdd(qkv + ((nint)(first + j) * stride) + (2 * width) + headOffset, weights[j], destination, headWidth);
                    }
                }
            }

            first += length;
        }
    }

    private static float Dot(float* x, float* y, int length)
    {
        if (Vector512.IsHardwareAccelerated && length % 16 == 0)
        {
            var sum = Vector512<float>.Zero;
            for (var i = 0; i < length; i += 16)
            {
                sum = Vector512.FusedMultiplyAdd(Vector512.Load(x + i), Vector512.Load(y + i), sum);
            }

            return Vector512.Sum(sum);
        }

        return TensorPrimitives.Dot(new ReadOnlySpan<float>(x, length), new ReadOnlySpan<float>(y, length));
    }

    private static void MultiplyAdd(float* x, float scale, float* destination, int length)
    {
        if (Vector512.IsHardwareAccelerated && length % 16 == 0)
        {
            var factor = Vector512.Create(scale);
            for (var i = 0; i < length; i += 16)
            {
                Vector512.FusedMultiplyAdd(Vector512.Load(x + i), factor, Vector512.Load(destination + i)).Store(destination + i);
            }

            return;
        }

        var target = new Span<float>(destination, length);
        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(x, length), scale, target, target);
    }

    private static LayerNorm ReadNorm(GraphWeights weights, string scope, int width, float epsilon) => new(
        weights.Floats(EncodeScope + scope + "/layer_norm/layer_norm_scale/ConcatPartitions/concat", width),
        weights.Floats(EncodeScope + scope + "/layer_norm/layer_norm_bias/ConcatPartitions/concat", width),
        epsilon);

    private static PackedMatrix ReadProjection(GraphWeights weights, int layer, string name, int rows, int columns) => new(
        weights.Floats($"{Kernels}Layer_{layer}/TransformerLayer/MultiheadAttention/{name}/kernel/part_0", 1, 1, rows, columns),
        rows,
        columns,
        weights.Floats($"{EncodeScope}Layer_{layer}/TransformerLayer/MultiheadAttention/{name}/bias/ConcatPartitions/concat", columns));

    private static (PackedMatrix In, PackedMatrix Out) ReadFeedForward(GraphWeights weights, int layer) => (
        new PackedMatrix(
            weights.Floats($"{Stack}Layer_{layer}/TransformerLayer/FFN/conv1/Tensordot/Reshape_1", ModelWidth, HiddenWidth),
            ModelWidth,
            HiddenWidth,
            weights.Floats($"{EncodeScope}Layer_{layer}/TransformerLayer/FFN/conv1/bias/ConcatPartitions/concat", HiddenWidth)),
        new PackedMatrix(
            weights.Floats($"{Stack}Layer_{layer}/TransformerLayer/FFN/conv2/Tensordot/Reshape_1", HiddenWidth, ModelWidth),
            HiddenWidth,
            ModelWidth,
            weights.Floats($"{EncodeScope}Layer_{layer}/TransformerLayer/FFN/conv2/bias/ConcatPartitions/concat", ModelWidth)));

    /// <summary>Layer normalisation over the last axis: γ · (x − mean) / √(var + ε) + β.</summary>
    private sealed class LayerNorm(float[] scale, float[] bias, float epsilon)
    {
        public void Apply(float* input, int inputStride, float* output, int outputStride, int rows)
        {
            var width = scale.Length;
            for (var r = 0; r < rows; r++)
            {
                var x = new ReadOnlySpan<float>(input + ((nint)r * inputStride), width);
                var y = new Span<float>(output + ((nint)r * outputStride), width);
                var mean = TensorPrimitives.Sum(x) / width;
                TensorPrimitives.Subtract(x, mean, y);
                var variance = TensorPrimitives.SumOfSquares(y) / width;
                TensorPrimitives.Multiply(y, 1f / MathF.Sqrt(variance + epsilon), y);
                TensorPrimitives.FusedMultiplyAdd(y, scale, bias, y);
            }
        }
    }
}
