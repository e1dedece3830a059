using System.Text.Json;
using System.Text.Json.Serialization;
using LlmStrategies.Evaluation;
using LlmStrategies.IO;

namespace LlmStrategies.Experiments;

/// <summary>
/// Prices per model (input, cached input and output per one million tokens). Prices change, so runs record token
/// counts, not only costs: <see cref="ExperimentRun.Recost"/> re-prices a recorded run with a new table without
/// calling any model. Model ids are matched exactly, ignoring case.
/// </summary>
public sealed class PriceTable : IModelPricing
{
    /// <summary>The schema name of price table files.</summary>
    public const string Schema = "llmstrategies.price-table";

    private readonly Dictionary<string, ModelPrice> _prices = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates an empty table.</summary>
    /// <param name="currency">The currency of every price, for example "USD".</param>
    public PriceTable(string currency = "USD")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(currency);
        Currency = currency;
    }

    /// <summary>Gets the currency.</summary>
    public string Currency { get; }

    /// <summary>Gets the prices by model id.</summary>
    public IReadOnlyDictionary<string, ModelPrice> Prices => _prices;

    /// <summary>Sets a model's price.</summary>
    /// <param name="modelId">The model id as the provider reports it (for example "gpt-4o-mini").</param>
    /// <param name="price">The price.</param>
    /// <returns>This table.</returns>
    public PriceTable Set(string modelId, ModelPrice price)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentNullException.ThrowIfNull(price);
        _prices[modelId] = price;
        return this;
    }

    /// <summary>Looks a model's price up.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="price">The price, when found.</param>
    /// <returns><see langword="true"/> when the model has a price.</returns>
    public bool TryGetPrice(string? modelId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelPrice? price)
    {
        price = null;
        return modelId is not null && _prices.TryGetValue(modelId, out price);
    }

    /// <summary>The cost of a call, or <see langword="null"/> when the model has no price.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="inputTokens">All input tokens.</param>
    /// <param name="cachedInputTokens">Cached input tokens (a part of the input tokens).</param>
    /// <param name="outputTokens">Output tokens.</param>
    /// <returns>The cost, or <see langword="null"/>.</returns>
    public decimal? Cost(string? modelId, long inputTokens, long cachedInputTokens, long outputTokens) =>
        TryGetPrice(modelId, out var price) ? price.Cost(inputTokens, cachedInputTokens, outputTokens) : null;

    /// <summary>Loads a table saved by <see cref="Save"/>: <c>{"schema": "llmstrategies.price-table", "version": 1, "currency": "USD", "models": {"gpt-4o-mini": {"input": 0.15, "cachedInput": 0.075, "output": 0.6}}}</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The table.</returns>
    /// <exception cref="DatasetFormatException">The file is not a price table.</exception>
    public static PriceTable Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.RemoveOrphans(path);
        var file = ReadFile(path);
        if (file.Currency is not null && string.IsNullOrWhiteSpace(file.Currency))
        {
            throw new DatasetFormatException($"'{path}': \"currency\" is empty; write the currency of the prices (for example \"USD\"), or leave the field out for USD.");
        }

        var table = new PriceTable(file.Currency ?? "USD");
        foreach (var (model, price) in file.Models!)
        {
            if (string.IsNullOrWhiteSpace(model))
            {
                throw new DatasetFormatException($"'{path}': a model in \"models\" has an empty name; use the model id the provider reports (for example \"gpt-4o-mini\").");
            }

            if (price is null || price.Input < 0 || price.Output < 0 || price.CachedInput < 0)
            {
                throw new DatasetFormatException($"'{path}': model '{model}' needs non-negative 'input', 'cachedInput' and 'output' prices per million tokens.");
            }

            table.Set(model, new ModelPrice(price.Input, price.CachedInput ?? price.Input, price.Output));
        }

        return table;
    }

    /// <summary>Saves the table as JSON, atomically.</summary>
    /// <param name="path">The file.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(ToFile(), ExperimentJsonContext.Default.PriceTableFile));
    }

    private static PriceTableFile ReadFile(string path)
    {
        var bytes = Utf8TextFile.ReadAllBytes(path);
        if (Utf8TextFile.FindInvalid(bytes) is { } invalid)
        {
            throw new DatasetFormatException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"'{path}' line {invalid.Line} is not valid UTF-8 (byte {invalid.Column} of the line); save the price table as UTF-8."));
        }

        PriceTableFile? file;
        try
        {
            file = JsonSerializer.Deserialize(bytes, ExperimentJsonContext.Default.PriceTableFile);
        }
        catch (JsonException ex)
        {
            throw new DatasetFormatException($"'{path}' is not a price table: {ex.Message}", ex);
        }

        if (file is null || file.Schema != Schema || file.Version != 1 || file.Models is null)
        {
            throw new DatasetFormatException($"'{path}' is not a version-1 price table (expected \"schema\": \"{Schema}\", \"version\": 1 and a \"models\" object).");
        }

        return file;
    }

    internal PriceTableFile ToFile() => new()
    {
        Schema = Schema,
        Version = 1,
        Currency = Currency,
        Models = _prices.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).ToDictionary(p => p.Key, p => (PriceFile?)new PriceFile { Input = p.Value.InputPerMillion, CachedInput = p.Value.CachedInputPerMillion, Output = p.Value.OutputPerMillion }),
    };

    internal static PriceTable FromFile(PriceTableFile file)
    {
        var table = new PriceTable(file.Currency ?? "USD");
        foreach (var (model, price) in file.Models ?? [])
        {
            if (price is not null)
            {
                table.Set(model, new ModelPrice(price.Input, price.CachedInput ?? price.Input, price.Output));
            }
        }

        return table;
    }

    internal sealed class PriceTableFile
    {
        [JsonPropertyName("schema")]
        public string? Schema { get; set; }

        [JsonPropertyName("version")]
        public int Version { get; set; }

        [JsonPropertyName("currency")]
        public string? Currency { get; set; }

        [JsonPropertyName("models")]
        public Dictionary<string, PriceFile?>? Models { get; set; }
    }

    internal sealed class PriceFile
    {
        [JsonPropertyName("input")]
        public decimal Input { get; set; }

        [JsonPropertyName("cachedInput")]
        public decimal? CachedInput { get; set; }

        [JsonPropertyName("output")]
        public decimal Output { get; set; }
    }
}
