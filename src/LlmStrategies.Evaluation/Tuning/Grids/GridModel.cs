using Microsoft.Extensions.AI;

namespace LlmStrategies.Tuning;

/// <summary>A model (any <see cref="IChatClient"/>) in a <see cref="ModelStrategyGrid"/>, with the price-table id it is charged at.</summary>
public sealed class GridModel
{
    /// <summary>Creates an entry.</summary>
    /// <param name="name">The column name in the pivot (for example "gpt-4o-mini" or "new model"); unique in the grid.</param>
    /// <param name="chatClient">The model.</param>
    /// <param name="priceKey">Its id in the price table; default <paramref name="name"/>.</param>
    /// <param name="isFineTuned">Whether it is a fine-tuned model (the pivot marks it; the advisor weighs switching models against it).</param>
    public GridModel(string name, IChatClient chatClient, string? priceKey = null, bool isFineTuned = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(chatClient);
        Name = name;
        ChatClient = chatClient;
        PriceKey = priceKey ?? name;
        IsFineTuned = isFineTuned;
    }

    /// <summary>Gets the column name.</summary>
    public string Name { get; }

    /// <summary>Gets the model.</summary>
    public IChatClient ChatClient { get; }

    /// <summary>Gets the price-table id.</summary>
    public string PriceKey { get; }

    /// <summary>Gets a value indicating whether the model is fine-tuned.</summary>
    public bool IsFineTuned { get; }
}
