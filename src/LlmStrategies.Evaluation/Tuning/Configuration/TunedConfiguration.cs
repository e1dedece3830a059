using System.Text.Json;
using LlmStrategies.IO;
using LlmStrategies.Pipeline;

namespace LlmStrategies.Tuning;

/// <summary>
/// A tuned configuration as a deployable file: the search space, the chosen point (with its demonstrations), the
/// fingerprint and canonical configuration text of the strategy it built, and the score and data it was chosen on.
/// <see cref="Build"/> rebuilds the pipeline through the same <see cref="TunableStrategy"/> and refuses it when the
/// fingerprint differs, so what is deployed (and re-checked by the regression gate) is what was measured.
/// </summary>
/// <remarks>Files are JSON (<c>"schema": "llmstrategies.tuned-configuration", "version": 1</c>), written atomically; a corrupt, edited or foreign file fails to load with a <see cref="TuningFileException"/> naming the problem.</remarks>
public sealed class TunedConfiguration
{
    /// <summary>The schema name.</summary>
    public const string SchemaName = "llmstrategies.tuned-configuration";

    /// <summary>The schema version this library writes and reads.</summary>
    public const int SchemaVersion = 1;

    internal TunedConfiguration(
        string strategy,
        string? model,
        SearchSpace space,
        SearchPoint point,
        StrategyFingerprint fingerprint,
        string configuration,
        string metric,
        double selectionScore,
        int selectionItems,
        string trainFingerprint,
        string devFingerprint,
        DateTimeOffset createdAt)
    {
        Strategy = strategy;
        Model = model;
        Space = space;
        Point = point;
        Fingerprint = fingerprint;
        Configuration = configuration;
        Metric = metric;
        SelectionScore = selectionScore;
        SelectionItems = selectionItems;
        TrainFingerprint = trainFingerprint;
        DevFingerprint = devFingerprint;
        CreatedAt = createdAt;
    }

    /// <summary>Gets the tuned strategy's name.</summary>
    public string Strategy { get; }

    /// <summary>Gets the model's price-table id, or <see langword="null"/>.</summary>
    public string? Model { get; }

    /// <summary>Gets the search space the point belongs to.</summary>
    public SearchSpace Space { get; }

    /// <summary>Gets the chosen point (with its demonstrations, if any).</summary>
    public SearchPoint Point { get; }

    /// <summary>Gets the fingerprint of the strategy the point built when it was tuned.</summary>
    public StrategyFingerprint Fingerprint { get; }

    /// <summary>Gets that strategy's canonical configuration text (what the fingerprint hashes).</summary>
    public string Configuration { get; }

    /// <summary>Gets the metric it was chosen on.</summary>
    public string Metric { get; }

    /// <summary>Gets its mean on the dev split (an optimistic estimate: it was chosen there; quote the test report).</summary>
    public double SelectionScore { get; }

    /// <summary>Gets the dev items it was scored on.</summary>
    public int SelectionItems { get; }

    /// <summary>Gets the content fingerprint of the train split.</summary>
    public string TrainFingerprint { get; }

    /// <summary>Gets the content fingerprint of the dev split.</summary>
    public string DevFingerprint { get; }

    /// <summary>Gets when the configuration was saved.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Rebuilds the tuned pipeline and checks that it is the strategy that was tuned.</summary>
    /// <param name="strategy">The tunable strategy, set up as when it was tuned (same components, same model).</param>
    /// <param name="name">The pipeline's name; default the strategy's.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="ArgumentException">The strategy's search space is not the one the configuration was tuned in.</exception>
    /// <exception cref="TunedConfigurationMismatchException">The rebuilt strategy's fingerprint differs.</exception>
    public StrategyPipeline Build(TunableStrategy strategy, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        if (!strategy.Space.IsSameAs(Space))
        {
            throw new ArgumentException($"The search space of '{strategy.Name}' is not the one '{Strategy}' was tuned in; rebuild with the same space (or tune again).", nameof(strategy));
        }

        var pipeline = strategy.Build(Point, name);
        Verify(pipeline);
        return pipeline;
    }

    /// <summary>Checks that a pipeline (for example built with <see cref="TunableStrategy.Configure"/> on a builder of your own) is the tuned strategy.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <exception cref="TunedConfigurationMismatchException">Its fingerprint differs; the message names the first setting that differs.</exception>
    public void Verify(StrategyPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        if (pipeline.Fingerprint == Fingerprint)
        {
            return;
        }

        var tuned = Configuration.Split('\n');
        var now = pipeline.FingerprintText.Split('\n');
        var index = 0;
        while (index < tuned.Length && index < now.Length && tuned[index] == now[index])
        {
            index++;
        }

        var was = index < tuned.Length ? tuned[index] : "(nothing)";
        var isNow = index < now.Length ? now[index] : "(nothing)";
        throw new TunedConfigurationMismatchException(
            $"The rebuilt strategy '{pipeline.Name}' has fingerprint {pipeline.Fingerprint}, not the tuned {Fingerprint}: the first difference is '{was}' when tuned, '{isNow}' now. A component (corpus, index, model, prompt) or the configure function changed since tuning; restore it, or tune again and re-run the hold-out evaluation.",
            Fingerprint.Value,
            pipeline.Fingerprint.Value);
    }

    /// <summary>The configuration as indented JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(ToFile(), TuningJsonContext.Default.TunedConfigurationFile);

    /// <summary>Writes the configuration to a file, atomically (temporary file, flush, rename).</summary>
    /// <param name="path">The file.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.WriteAllText(path, ToJson());
    }

    /// <summary>Loads a configuration written by <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="TuningFileException">The file is not a tuned configuration of a supported version, is corrupt, or was edited (its fingerprint no longer matches its configuration text, or its point is not in its space).</exception>
    public static TunedConfiguration Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Parses a configuration from JSON.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">Where it came from, for error messages.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="TuningFileException">The text is not a valid tuned configuration.</exception>
    public static TunedConfiguration FromJson(string json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        source ??= "tuned configuration";
        var file = TuningFiles.Deserialize(json, source, SchemaName, SchemaVersion, TuningJsonContext.Default.TunedConfigurationFile, "a tuned configuration");
        if (string.IsNullOrWhiteSpace(file.Strategy) || file.Fingerprint is null || file.Configuration is null || file.Space is null || file.Point is null || string.IsNullOrWhiteSpace(file.Metric)
            || file.TrainFingerprint is null || file.DevFingerprint is null)
        {
            throw new TuningFileException(source, "a truncated tuned configuration: 'strategy', 'fingerprint', 'configuration', 'space', 'point', 'metric', 'trainFingerprint' and 'devFingerprint' are required.", null);
        }

        StrategyFingerprint fingerprint;
        try
        {
            fingerprint = StrategyFingerprint.Parse(file.Fingerprint);
        }
        catch (FormatException ex)
        {
            throw new TuningFileException(source, ex.Message, ex);
        }

        if (StrategyFingerprint.Compute(file.Configuration) != fingerprint)
        {
            throw new TuningFileException(source, $"the fingerprint {fingerprint} is not the hash of the stored configuration text: the file was edited or is corrupt. Save it again from the tuning result.", null);
        }

        var space = SearchSpace.FromFile(file.Space, source);
        var point = ReadPoint(file, space, source);
        return new TunedConfiguration(file.Strategy, file.Model, space, point, fingerprint, file.Configuration, file.Metric, file.SelectionScore, file.SelectionItems, file.TrainFingerprint, file.DevFingerprint, file.CreatedAt);
    }

    private static SearchPoint ReadPoint(TunedConfigurationFile file, SearchSpace space, string source)
    {
        var extra = file.Point!.Keys.FirstOrDefault(k => space.Parameters.All(p => p.Name != k));
        if (extra is not null)
        {
            throw new TuningFileException(source, $"the point sets '{extra}', which is not a parameter of the stored search space.", null);
        }

        var values = new List<(string, object)>();
        foreach (var parameter in space.Parameters)
        {
            if (!file.Point.TryGetValue(parameter.Name, out var stored))
            {
                throw new TuningFileException(source, $"the point has no value for parameter '{parameter.Name}'.", null);
            }

            values.Add((parameter.Name, SearchSpace.Coerce(stored, parameter.Kind, parameter.Name, source)));
        }

        SearchPoint point;
        try
        {
            point = space.Point([.. values]);
        }
        catch (ArgumentException ex)
        {
            throw new TuningFileException(source, $"the point is not in the stored search space: {ex.Message}", ex);
        }

        if (file.Demonstrations is not { } demonstrations)
        {
            return point;
        }

        if (demonstrations.Examples is null || demonstrations.Examples.Any(e => string.IsNullOrEmpty(e?.Id) || e.Input is null || e.Output is null))
        {
            throw new TuningFileException(source, "every demonstration needs an 'id', an 'input' and an 'output'.", null);
        }

        DemonstrationSet set;
        try
        {
            set = new DemonstrationSet(demonstrations.Examples.Select(e => new FewShotExample { Id = e.Id!, Input = e.Input!, Output = e.Output!, Label = e.Label }));
        }
        catch (ArgumentException ex)
        {
            throw new TuningFileException(source, $"the demonstrations are invalid: {ex.Message}", ex);
        }

        if (set.Id != demonstrations.Id)
        {
            throw new TuningFileException(source, $"the demonstrations hash to '{set.Id}', not the stored '{demonstrations.Id}': they were edited. Save the configuration again from the tuning result.", null);
        }

        return point.WithDemonstrations(set);
    }

    private TunedConfigurationFile ToFile() => new()
    {
        Schema = SchemaName,
        Version = SchemaVersion,
        Strategy = Strategy,
        Model = Model,
        Fingerprint = Fingerprint.Value,
        Configuration = Configuration,
        Space = Space.ToFile(),
        Point = Point.Values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
        Demonstrations = Point.Demonstrations is { } set
            ? new DemonstrationSetFile { Id = set.Id, Examples = set.Examples.Select(e => new DemonstrationFile { Id = e.Id, Input = e.Input, Output = e.Output, Label = e.Label }).ToList() }
            : null,
        Metric = Metric,
        SelectionScore = SelectionScore,
        SelectionItems = SelectionItems,
        TrainFingerprint = TrainFingerprint,
        DevFingerprint = DevFingerprint,
        CreatedAt = CreatedAt,
    };
}

/// <summary>A tuned configuration as stored.</summary>
internal sealed class TunedConfigurationFile
{
    public string? Schema { get; set; }

    public int Version { get; set; }

    public string? Strategy { get; set; }

    public string? Model { get; set; }

    public string? Fingerprint { get; set; }

    public string? Configuration { get; set; }

    public SearchSpaceFile? Space { get; set; }

    public Dictionary<string, ParameterValue>? Point { get; set; }

    public DemonstrationSetFile? Demonstrations { get; set; }

    public string? Metric { get; set; }

    public double SelectionScore { get; set; }

    public int SelectionItems { get; set; }

    public string? TrainFingerprint { get; set; }

    public string? DevFingerprint { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A demonstration set as stored.</summary>
internal sealed class DemonstrationSetFile
{
    public string? Id { get; set; }

    public List<DemonstrationFile>? Examples { get; set; }
}

/// <summary>A demonstration as stored.</summary>
internal sealed class DemonstrationFile
{
    public string? Id { get; set; }

    public string? Input { get; set; }

    public string? Output { get; set; }

    public string? Label { get; set; }
}
