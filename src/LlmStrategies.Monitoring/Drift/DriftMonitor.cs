using LlmStrategies.Pipeline;
using System.Diagnostics.Metrics;
using System.Numerics.Tensors;

namespace LlmStrategies.Monitoring.Drift;

/// <summary>
/// Compares live inputs and outputs with a reference window (the test split, or the first calls): input length (PSI
/// over the reference's deciles and a Kolmogorov–Smirnov test), detected input language, output label and refusal rate
/// (PSI over categories) and, when observations carry embeddings, the cosine distance between the reference and live
/// embedding centroids. Comparisons record the meter instruments <c>llmstrategies.drift.value</c> and
/// <c>llmstrategies.drift.detected</c> and raise <see cref="DriftDetected"/> when a threshold is crossed.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class DriftMonitor : IDisposable
{
    private readonly DriftMonitorOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _value;
    private readonly Counter<long> _detected;
    private readonly List<Features> _reference = [];
    private readonly Queue<Features> _live = new();
    private readonly Lock _gate = new();
    private bool _referenceFixed;
    private long _observed;

    /// <summary>Creates a monitor.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="meterFactory">Creates the meter; <see langword="null"/> for a meter owned by the monitor.</param>
    /// <param name="timeProvider">The clock for report timestamps; <see langword="null"/> for the system clock.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is out of range; the message names it.</exception>
    public DriftMonitor(DriftMonitorOptions? options = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        _options = ValidatedOptions.ThrowIfInvalid(new DriftMonitorOptionsValidator(), options ?? new DriftMonitorOptions());
        _timeProvider = timeProvider ?? TimeProvider.System;
        _meter = meterFactory?.Create(StrategyTelemetry.Name) ?? new Meter(StrategyTelemetry.Name);
        _ownsMeter = meterFactory is null;
        _value = _meter.CreateHistogram<double>("llmstrategies.drift.value", "1", "Drift statistic per feature at each comparison.");
        _detected = _meter.CreateCounter<long>("llmstrategies.drift.detected", "{drift}", "Features found drifted at a comparison.");
    }

    /// <summary>Raised after a comparison in which at least one feature drifted.</summary>
    public event EventHandler<DriftReport>? DriftDetected;

    /// <summary>Sets the reference window explicitly (for example from the test split) instead of the first calls.</summary>
    /// <param name="reference">The reference observations; at least two.</param>
    public void SetReference(IEnumerable<DriftObservation> reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var features = reference.Select(Features.Of).ToList();
        if (features.Count < 2)
        {
            throw new ArgumentException("A reference window needs at least two observations.", nameof(reference));
        }

        lock (_gate)
        {
            _reference.Clear();
            _reference.AddRange(features);
            _referenceFixed = true;
        }
    }

    /// <summary>Records one call; compares the windows every <see cref="DriftMonitorOptions.CompareEvery"/> calls.</summary>
    /// <param name="observation">The call.</param>
    /// <returns>The report when a comparison ran, otherwise <see langword="null"/>.</returns>
    public DriftReport? Observe(DriftObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var features = Features.Of(observation);
        bool compare;
        lock (_gate)
        {
            if (!_referenceFixed && _reference.Count < _options.ReferenceSize)
            {
                _reference.Add(features);
                return null;
            }

            _live.Enqueue(features);
            while (_live.Count > _options.WindowSize)
            {
                _live.Dequeue();
            }

            compare = _options.CompareEvery > 0 && ++_observed % _options.CompareEvery == 0;
        }

        return compare ? Compare() : null;
    }

    /// <summary>Compares the live window with the reference window now.</summary>
    /// <returns>The report; empty findings when either window is too small.</returns>
    public DriftReport Compare()
    {
        Features[] reference;
        Features[] live;
        lock (_gate)
        {
            reference = [.. _reference];
            live = [.. _live];
        }

        var findings = new List<DriftFinding>();
        if (reference.Length >= 2 && live.Length >= _options.MinimumLiveCount)
        {
            var referenceLengths = reference.Select(f => (double)f.Length).ToArray();
            var liveLengths = live.Select(f => (double)f.Length).ToArray();
            findings.Add(Above("input_length", "psi", DriftStatistics.PopulationStabilityIndex(referenceLengths, liveLengths, 10), _options.PsiThreshold));
            findings.Add(Below("input_length", "ks_p_value", DriftStatistics.KolmogorovSmirnov(referenceLengths, liveLengths).PValue, _options.KsPValueThreshold));
            findings.Add(Above("input_language", "psi", CategoricalPsi(reference, live, f => f.Language), _options.PsiThreshold));
            findings.Add(Above("refusal", "psi", CategoricalPsi(reference, live, f => f.Refused ? "refused" : "answered"), _options.PsiThreshold));
            if (reference.Any(f => f.Label is not null) || live.Any(f => f.Label is not null))
            {
                findings.Add(Above("output_label", "psi", CategoricalPsi(reference, live, f => f.Label ?? "(none)"), _options.PsiThreshold));
            }

            if (Centroid(reference) is { } referenceCentroid && Centroid(live) is { } liveCentroid && referenceCentroid.Length == liveCentroid.Length)
            {
                var distance = 1 - TensorPrimitives.CosineSimilarity(referenceCentroid, liveCentroid);
                findings.Add(Above("input_embedding", "centroid_cosine_distance", distance, _options.CentroidDistanceThreshold));
            }
        }

        var report = new DriftReport { Timestamp = _timeProvider.GetUtcNow(), ReferenceCount = reference.Length, LiveCount = live.Length, Findings = findings };
        foreach (var finding in findings)
        {
            _value.Record(finding.Value, new("llmstrategies.drift.feature", finding.Feature), new("llmstrategies.drift.statistic", finding.Statistic));
            if (finding.Drifted)
            {
                _detected.Add(1, new KeyValuePair<string, object?>("llmstrategies.drift.feature", finding.Feature));
            }
        }

        if (report.Drifted)
        {
            DriftDetected?.Invoke(this, report);
        }

        return report;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static DriftFinding Above(string feature, string statistic, double value, double threshold) =>
        new() { Feature = feature, Statistic = statistic, Value = value, Threshold = threshold, Drifted = value > threshold };

    private static DriftFinding Below(string feature, string statistic, double value, double threshold) =>
        new() { Feature = feature, Statistic = statistic, Value = value, Threshold = threshold, Drifted = value < threshold };

    private static double CategoricalPsi(Features[] reference, Features[] live, Func<Features, string> category)
    {
        var categories = reference.Select(category).Concat(live.Select(category)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        double[] Counts(Features[] window) => categories.Select(c => (double)window.Count(f => category(f) == c)).ToArray();
        return DriftStatistics.PopulationStabilityIndex(Counts(reference), Counts(live));
    }

    private static float[]? Centroid(Features[] window)
    {
        var vectors = window.Where(f => f.Embedding is { Length: > 0 }).Select(f => f.Embedding!.Value).ToArray();
        if (vectors.Length == 0)
        {
            return null;
        }

        var centroid = new float[vectors[0].Length];
        foreach (var vector in vectors)
        {
            if (vector.Length == centroid.Length)
            {
                TensorPrimitives.Add(centroid, vector.Span, centroid);
            }
        }

        return centroid;
    }

    private sealed record Features(int Length, string Language, bool Refused, string? Label, ReadOnlyMemory<float>? Embedding)
    {
        public static Features Of(DriftObservation observation) =>
            new(observation.Input.Length, LanguageGuess.Guess(observation.Input), observation.Refused, observation.OutputLabel, observation.Embedding);
    }
}
