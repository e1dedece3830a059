namespace LlmStrategies;

/// <summary>Turns the parts a strategy gathered (instructions, examples, retrieved context, question) into chat messages.</summary>
public interface IPromptBuilder
{
    /// <summary>Builds the prompt for <paramref name="context"/>.</summary>
    /// <param name="context">The parts to render.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The messages to send and a description of what they contain.</returns>
    ValueTask<BuiltPrompt> BuildAsync(PromptContext context, CancellationToken cancellationToken = default);
}
