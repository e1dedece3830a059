using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace LlmStrategies.Pipeline;

/// <summary>
/// The configurable part of <see cref="StrategyPipelineOptions"/> as configuration spells it
/// (<c>LlmStrategies:Defaults</c>, <c>LlmStrategies:Strategies:&lt;name&gt;</c>), bound by the configuration-binding source
/// generator (trimming- and AOT-safe): only the keys present change the options, and an unknown key is an error naming it.
/// </summary>
internal sealed class StrategyPipelineSettings
{
    public string? SystemPrompt { get; set; }

    public string? Instructions { get; set; }

    public string? OutputFormat { get; set; }

    public int? MaxQuestionLength { get; set; }

    public int? MaxRepairAttempts { get; set; }

    public int? FewShotCount { get; set; }

    public int? RetrievalTop { get; set; }

    public string? RepairInstruction { get; set; }

    public ChatSettings? ChatOptions { get; set; }

    /// <summary>Applies the keys <paramref name="section"/> sets to <paramref name="options"/>.</summary>
    /// <exception cref="InvalidOperationException">A value cannot be converted, or a key is not a setting; the message names the key.</exception>
    public static void Apply(IConfiguration section, StrategyPipelineOptions options)
    {
        var settings = new StrategyPipelineSettings();
        section.Bind(settings, binder => binder.ErrorOnUnknownConfiguration = true);
        options.SystemPrompt = settings.SystemPrompt ?? options.SystemPrompt;
        options.Instructions = settings.Instructions ?? options.Instructions;
        options.OutputFormat = settings.OutputFormat ?? options.OutputFormat;
        options.MaxQuestionLength = settings.MaxQuestionLength ?? options.MaxQuestionLength;
        options.MaxRepairAttempts = settings.MaxRepairAttempts ?? options.MaxRepairAttempts;
        options.FewShotCount = settings.FewShotCount ?? options.FewShotCount;
        options.RetrievalTop = settings.RetrievalTop ?? options.RetrievalTop;
        options.RepairInstruction = settings.RepairInstruction ?? options.RepairInstruction;
        if (settings.ChatOptions is { } chat)
        {
            var target = options.ChatOptions ??= new ChatOptions();
            target.ModelId = chat.ModelId ?? target.ModelId;
            target.Temperature = chat.Temperature ?? target.Temperature;
            target.TopP = chat.TopP ?? target.TopP;
            target.MaxOutputTokens = chat.MaxOutputTokens ?? target.MaxOutputTokens;
            target.Seed = chat.Seed ?? target.Seed;
        }
    }

    /// <summary>The chat options configuration can set.</summary>
    internal sealed class ChatSettings
    {
        public string? ModelId { get; set; }

        public float? Temperature { get; set; }

        public float? TopP { get; set; }

        public int? MaxOutputTokens { get; set; }

        public long? Seed { get; set; }
    }
}
