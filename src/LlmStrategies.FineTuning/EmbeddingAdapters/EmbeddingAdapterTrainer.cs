using System.Numerics.Tensors;

namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>
/// Trains an <see cref="EmbeddingAdapter"/> on (query, relevant passage) pairs with an in-batch-negatives contrastive
/// loss (InfoNCE: for each query, softmax cross-entropy of its passage against the batch's other passages, on cosine
/// similarities divided by a temperature) and mini-batch Adam, in plain C# over <see cref="TensorPrimitives"/>.
/// Training starts from the identity, so epoch 0 is the base model; after each epoch the adapter is scored on the
/// development pairs (MRR@10 against every known passage), and the best epoch is kept, stopping after
/// <see cref="EmbeddingAdapterTrainingOptions.Patience"/> epochs without improvement. Deterministic for a seed.
/// </summary>
public sealed class EmbeddingAdapterTrainer
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;
    private const int MrrCutoff = 10;

    private readonly EmbeddingAdapterTrainingOptions _options;

    /// <summary>Creates a trainer.</summary>
    /// <param name="options">The hyper-parameters, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A hyper-parameter is out of range; the message names it.</exception>
    public EmbeddingAdapterTrainer(EmbeddingAdapterTrainingOptions? options = null)
    {
        _options = ValidatedOptions.ThrowIfInvalid(new EmbeddingAdapterTrainingOptionsValidator(), options ?? new EmbeddingAdapterTrainingOptions());
    }

    /// <summary>Trains an adapter.</summary>
    /// <param name="training">The training pairs.</param>
    /// <param name="development">
    /// Held-out pairs for early stopping and model selection (for example queries of other source documents than the
    /// training ones), or <see langword="null"/> to train <see cref="EmbeddingAdapterTrainingOptions.MaxEpochs"/> epochs and keep the last.
    /// </param>
    /// <param name="progress">Told about every epoch as it ends (epoch 0, the base model, first), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked between mini-batches.</param>
    /// <returns>The adapter and the training history.</returns>
    /// <exception cref="ArgumentException">The sets' dimensions differ.</exception>
    public EmbeddingAdapterTrainingResult Train(EmbeddingPairSet training, EmbeddingPairSet? development = null, IProgress<EmbeddingAdapterEpoch>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (development is not null && development.Dimensions != training.Dimensions)
        {
            throw new ArgumentException($"The development pairs have {development.Dimensions} dimensions and the training pairs {training.Dimensions}; embed both with the same model.", nameof(development));
        }

        var dimensions = training.Dimensions;
        var rank = Math.Min(_options.Rank, dimensions);
        var random = new Random(_options.Seed);
        var initial = EmbeddingAdapter.CreateInitial(dimensions, rank, training.ModelId, random);
        var hardNegatives = MineHardNegatives(training, _options.HardNegativesPerQuery, cancellationToken);
        var state = new TrainingState(dimensions, rank, _options.BatchSize, _options.BatchSize * (1 + _options.HardNegativesPerQuery), initial, hardNegatives, _options.HardNegativesPerQuery);
        var scorer = development is null ? null : new DevelopmentScorer(development, training);

        var epochs = new List<EmbeddingAdapterEpoch> { new(0, 0, scorer?.Mrr(state) ?? double.NaN) };
        progress?.Report(epochs[0]);
        var best = initial;
        var bestEpoch = 0;
        var sinceBest = 0;
        var order = Enumerable.Range(0, training.QueryCount).ToArray();
        var stoppedEarly = false;
        for (var epoch = 1; epoch <= _options.MaxEpochs; epoch++)
        {
            random.Shuffle(order);
            var loss = 0.0;
            var batches = 0;
            for (var start = 0; start < order.Length; start += _options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(_options.BatchSize, order.Length - start));
                loss += state.Step(training, batch, _options);
                batches++;
            }

            var mrr = scorer?.Mrr(state) ?? double.NaN;
            epochs.Add(new EmbeddingAdapterEpoch(epoch, loss / batches, mrr));
            progress?.Report(epochs[^1]);
            if (scorer is null || mrr > epochs[bestEpoch].DevelopmentMrr + 1e-9)
            {
                best = state.Snapshot(training.ModelId);
                bestEpoch = epoch;
                sinceBest = 0;
            }
            else if (++sinceBest >= _options.Patience)
            {
                stoppedEarly = epoch < _options.MaxEpochs;
                break;
            }
        }

        return new EmbeddingAdapterTrainingResult { Adapter = best, BestEpoch = bestEpoch, Epochs = epochs, StoppedEarly = stoppedEarly };
    }

    /// <summary>For each query, the <paramref name="count"/> passages it scores highest under the base model, its own excluded.</summary>
    internal static int[] MineHardNegatives(EmbeddingPairSet set, int count, CancellationToken cancellationToken)
    {
        count = Math.Min(count, set.PassageCount - 1);
        if (count <= 0)
        {
            return [];
        }

        var negatives = new int[set.QueryCount * count];
        var scores = new float[set.PassageCount];
        var order = new int[set.PassageCount];
        for (var i = 0; i < set.QueryCount; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var query = set.Query(i);
            for (var j = 0; j < set.PassageCount; j++)
            {
                scores[j] = -TensorPrimitives.Dot(query, set.Passage(j));
                order[j] = j;
            }

            scores[set.PositiveOf(i)] = float.PositiveInfinity;
            Array.Sort(scores, order);
            order.AsSpan(0, count).CopyTo(negatives.AsSpan(i * count, count));
        }

        return negatives;
    }

    /// <summary>The parameters being trained, Adam's moments and the scratch memory of one mini-batch.</summary>
    internal sealed class TrainingState
    {
        private readonly int _d;
        private readonly int _r;
        private readonly float[] _parameters; // A (r × d) then B (r × d)
        private readonly float[] _gradient;
        private readonly float[] _m;
        private readonly float[] _v;
        private readonly float[] _scratch;
        private int[] _slotOfPassage = [];
        private readonly Batch _queries;
        private readonly Batch _passages;
        private readonly double[] _logits;
        private readonly int[] _hardNegatives;
        private readonly int _hardNegativesPerQuery;
        private int _step;

        public TrainingState(int dimensions, int rank, int queryCapacity, int passageCapacity, EmbeddingAdapter initial, int[] hardNegatives, int hardNegativesPerQuery)
        {
            _hardNegatives = hardNegatives;
            _hardNegativesPerQuery = hardNegatives.Length == 0 ? 0 : hardNegativesPerQuery;
            _d = dimensions;
            _r = rank;
            _parameters = [.. initial.Down, .. initial.Up];
            _gradient = new float[_parameters.Length];
            _m = new float[_parameters.Length];
            _v = new float[_parameters.Length];
            _scratch = new float[_parameters.Length];
            _queries = new Batch(queryCapacity, dimensions, rank);
            _passages = new Batch(passageCapacity, dimensions, rank);
            _logits = new double[queryCapacity * passageCapacity];
        }

        /// <summary>Gets A (rank × d) followed by B (rank × d).</summary>
        public Span<float> Parameters => _parameters;

        /// <summary>Gets the gradient of the last <see cref="LossAndGradient"/> call, laid out like <see cref="Parameters"/>.</summary>
        public ReadOnlySpan<float> Gradient => _gradient;

        private Span<float> Down => _parameters.AsSpan(0, _r * _d);

        private Span<float> Up => _parameters.AsSpan(_r * _d, _r * _d);

        public EmbeddingAdapter Snapshot(string? modelId) => new(_d, _r, Down.ToArray(), Up.ToArray(), modelId);

        /// <summary>Writes f(x) into <paramref name="z"/> (and A·x into <paramref name="h"/>), returning ‖x + Bᵀh‖.</summary>
        public float Forward(ReadOnlySpan<float> x, Span<float> h, Span<float> z) => EmbeddingAdapter.Forward(Down, Up, _d, _r, x, h, z);

        /// <summary>One mini-batch: forward, InfoNCE loss, backward, Adam update. Returns the batch's mean loss.</summary>
        public double Step(EmbeddingPairSet set, ReadOnlySpan<int> batch, EmbeddingAdapterTrainingOptions options)
        {
            var loss = LossAndGradient(set, batch, options.Temperature);
            Adam(options);
            return loss;
        }

        /// <summary>The batch's mean InfoNCE loss; fills <see cref="Gradient"/> with its gradient.</summary>
        public double LossAndGradient(EmbeddingPairSet set, ReadOnlySpan<int> batch, double temperature)
        {
            if (_slotOfPassage.Length < set.PassageCount)
            {
                _slotOfPassage = new int[set.PassageCount];
                Array.Fill(_slotOfPassage, -1);
            }

            var slots = _slotOfPassage;
            var n = batch.Length;
            var labels = _queries.Labels;
            var m = 0;
            for (var i = 0; i < n; i++)
            {
                labels[i] = Slot(set.PositiveOf(batch[i]), slots, ref m);
                _queries.Source[i] = batch[i];
            }

            for (var i = 0; i < n; i++)
            {
                foreach (var negative in _hardNegatives.AsSpan(batch[i] * _hardNegativesPerQuery, _hardNegativesPerQuery))
                {
                    Slot(negative, slots, ref m);
                }
            }

            for (var j = 0; j < m; j++)
            {
                slots[_passages.Source[j]] = -1;
            }

            for (var i = 0; i < n; i++)
            {
                _queries.Norm[i] = Forward(set.Query(batch[i]), _queries.H(i), _queries.Z(i));
            }

            for (var j = 0; j < m; j++)
            {
                _passages.Norm[j] = Forward(set.Passage(_passages.Source[j]), _passages.H(j), _passages.Z(j));
            }

            // Loss and dL/dS, S = Zq·Zpᵀ / τ; the gradient of the mean cross-entropy is (softmax − one-hot) / n.
            var inverseTemperature = 1.0 / temperature;
            var loss = 0.0;
            for (var i = 0; i < n; i++)
            {
                var row = _logits.AsSpan(i * m, m);
                var max = double.NegativeInfinity;
                for (var j = 0; j < m; j++)
                {
                    row[j] = TensorPrimitives.Dot(_queries.Z(i), _passages.Z(j)) * inverseTemperature;
                    max = Math.Max(max, row[j]);
                }

                var sum = 0.0;
                for (var j = 0; j < m; j++)
                {
                    row[j] = Math.Exp(row[j] - max);
                    sum += row[j];
                }

                var label = labels[i];
                loss += -Math.Log(row[label] / sum);
                for (var j = 0; j < m; j++)
                {
                    row[j] = ((row[j] / sum) - (j == label ? 1 : 0)) / n;
                }
            }

            // dZq = G·Zp / τ and dZp = Gᵀ·Zq / τ.
            for (var i = 0; i < n; i++)
            {
                _queries.DZ(i).Clear();
            }

            for (var j = 0; j < m; j++)
            {
                _passages.DZ(j).Clear();
            }

            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < m; j++)
                {
                    var g = (float)(_logits[(i * m) + j] * inverseTemperature);
                    TensorPrimitives.MultiplyAdd(_passages.Z(j), g, _queries.DZ(i), _queries.DZ(i));
                    TensorPrimitives.MultiplyAdd(_queries.Z(i), g, _passages.DZ(j), _passages.DZ(j));
                }
            }

            _gradient.AsSpan().Clear();
            for (var i = 0; i < n; i++)
            {
                Backward(set.Query(batch[i]), _queries.H(i), _queries.Z(i), _queries.DZ(i), _queries.Norm[i]);
            }

            for (var j = 0; j < m; j++)
            {
                Backward(set.Passage(_passages.Source[j]), _passages.H(j), _passages.Z(j), _passages.DZ(j), _passages.Norm[j]);
            }

            return loss / n;
        }

        /// <summary>The batch column of <paramref name="passage"/>, adding it when it is not in the batch yet.</summary>
        private int Slot(int passage, int[] slots, ref int m)
        {
            if (slots[passage] < 0)
            {
                slots[passage] = m;
                _passages.Source[m] = passage;
                m++;
            }

            return slots[passage];
        }

        /// <summary>Accumulates the parameter gradient of one row, given dL/dz; overwrites <paramref name="dz"/>.</summary>
        private void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> h, ReadOnlySpan<float> z, Span<float> dz, float norm)
        {
            if (norm <= 0)
            {
                return;
            }

            // Through the normalisation z = y / ‖y‖: dy = (dz − z·(z·dz)) / ‖y‖.
            var along = TensorPrimitives.Dot(z, dz);
            TensorPrimitives.MultiplyAdd(z, -along, dz, dz);
            TensorPrimitives.Divide(dz, norm, dz);

            // y = x + Bᵀh, h = A·x: dB_k += h_k·dy, dh_k = B_k·dy, dA_k += dh_k·x.
            ReadOnlySpan<float> up = Up;
            var gradientDown = _gradient.AsSpan(0, _r * _d);
            var gradientUp = _gradient.AsSpan(_r * _d, _r * _d);
            for (var k = 0; k < _r; k++)
            {
                var row = gradientUp.Slice(k * _d, _d);
                TensorPrimitives.MultiplyAdd(dz, h[k], row, row);
                var dh = TensorPrimitives.Dot(up.Slice(k * _d, _d), dz);
                var rowDown = gradientDown.Slice(k * _d, _d);
                TensorPrimitives.MultiplyAdd(x, dh, rowDown, rowDown);
            }
        }

        /// <summary>AdamW (Loshchilov and Hutter, 2019): Adam with bias correction and decoupled weight decay.</summary>
        private void Adam(EmbeddingAdapterTrainingOptions options)
        {
            _step++;
            var correction1 = 1 - Math.Pow(Beta1, _step);
            var correction2 = 1 - Math.Pow(Beta2, _step);
            TensorPrimitives.Multiply(_m, (float)Beta1, _m);
            TensorPrimitives.MultiplyAdd(_gradient, (float)(1 - Beta1), _m, _m);
            TensorPrimitives.Multiply(_gradient, _gradient, _scratch);
            TensorPrimitives.Multiply(_v, (float)Beta2, _v);
            TensorPrimitives.MultiplyAdd(_scratch, (float)(1 - Beta2), _v, _v);
            TensorPrimitives.Multiply(_v, (float)(1 / correction2), _scratch);
            TensorPrimitives.Sqrt(_scratch, _scratch);
            TensorPrimitives.Add(_scratch, (float)Epsilon, _scratch);
            TensorPrimitives.Divide(_m, _scratch, _scratch);
            if (options.WeightDecay > 0)
            {
                TensorPrimitives.Multiply(_parameters, (float)(1 - (options.LearningRate * options.WeightDecay)), _parameters);
            }

            TensorPrimitives.MultiplyAdd(_scratch, (float)(-options.LearningRate / correction1), _parameters, _parameters);
        }
    }

    /// <summary>Per-row buffers of one side (queries or passages) of a mini-batch.</summary>
    private sealed class Batch(int capacity, int dimensions, int rank)
    {
        private readonly float[] _h = new float[capacity * rank];
        private readonly float[] _z = new float[capacity * dimensions];
        private readonly float[] _dz = new float[capacity * dimensions];

        public int[] Source { get; } = new int[capacity];

        public int[] Labels { get; } = new int[capacity];

        public float[] Norm { get; } = new float[capacity];

        public Span<float> H(int row) => _h.AsSpan(row * rank, rank);

        public Span<float> Z(int row) => _z.AsSpan(row * dimensions, dimensions);

        public Span<float> DZ(int row) => _dz.AsSpan(row * dimensions, dimensions);
    }

    /// <summary>MRR@10 of development queries against every passage of both sets, under the current parameters.</summary>
    private sealed class DevelopmentScorer
    {
        private readonly EmbeddingPairSet _development;
        private readonly EmbeddingPairSet _training;
        private readonly float[] _passages;
        private readonly float[] _query;
        private readonly float[] _h;
        private readonly int _count;

        public DevelopmentScorer(EmbeddingPairSet development, EmbeddingPairSet training)
        {
            _development = development;
            _training = training;
            _count = development.PassageCount + training.PassageCount;
            _passages = new float[_count * development.Dimensions];
            _query = new float[development.Dimensions];
            _h = new float[development.Dimensions];
        }

        public double Mrr(TrainingState state)
        {
            var d = _development.Dimensions;
            var h = _h.AsSpan();
            for (var j = 0; j < _development.PassageCount; j++)
            {
                state.Forward(_development.Passage(j), h, _passages.AsSpan(j * d, d));
            }

            for (var j = 0; j < _training.PassageCount; j++)
            {
                state.Forward(_training.Passage(j), h, _passages.AsSpan((_development.PassageCount + j) * d, d));
            }

            var total = 0.0;
            for (var i = 0; i < _development.QueryCount; i++)
            {
                state.Forward(_development.Query(i), h, _query);
                var positive = _development.PositiveOf(i);
                var target = TensorPrimitives.Dot(_query, _passages.AsSpan(positive * d, d));
                var rank = 1;
                for (var j = 0; j < _count && rank <= MrrCutoff; j++)
                {
                    // Ties count in the query's favour, so a duplicate of the positive passage does not push it down.
                    if (j != positive && TensorPrimitives.Dot(_query, _passages.AsSpan(j * d, d)) > target)
                    {
                        rank++;
                    }
                }

                total += rank <= MrrCutoff ? 1.0 / rank : 0;
            }

            return total / _development.QueryCount;
        }
    }
}
