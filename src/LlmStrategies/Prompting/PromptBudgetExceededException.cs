namespace LlmStrategies.Prompting;

/// <summary>The parts of a prompt that are never cut (system prompt, instructions, output format, question) exceed the token budget on their own.</summary>
public sealed class PromptBudgetExceededException : Exception
{
    /// <summary>Creates an exception.</summary>
    public PromptBudgetExceededException()
        : this("The mandatory parts of the prompt exceed the token budget.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public PromptBudgetExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PromptBudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for measured counts.</summary>
    /// <param name="mandatoryTokens">The tokens the mandatory parts take.</param>
    /// <param name="budget">The total budget.</param>
    /// <param name="breakdown">The mandatory parts and their token counts.</param>
    public PromptBudgetExceededException(int mandatoryTokens, int budget, string breakdown)
        : base($"The parts of the prompt that are never cut take {mandatoryTokens} tokens ({breakdown}), more than the budget of {budget} (PromptBudget.MaxTotalTokens). Shorten the question or instructions, or raise the budget.")
    {
        MandatoryTokens = mandatoryTokens;
        Budget = budget;
    }

    /// <summary>Gets the tokens the mandatory parts take.</summary>
    public int MandatoryTokens { get; }

    /// <summary>Gets the total budget.</summary>
    public int Budget { get; }
}
