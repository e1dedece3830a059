namespace LlmStrategies.Experiments;

/// <summary>An experiment's estimated or spent cost exceeds its budget.</summary>
public sealed class BudgetExceededException : Exception
{
    /// <summary>Creates an exception.</summary>
    public BudgetExceededException()
        : this("The experiment exceeds its budget.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public BudgetExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a budget and a cost.</summary>
    /// <param name="message">The message, naming the budget, the cost and the fix.</param>
    /// <param name="budget">The budget.</param>
    /// <param name="cost">The estimated or spent cost.</param>
    public BudgetExceededException(string message, decimal budget, decimal cost)
        : base(message)
    {
        Budget = budget;
        Cost = cost;
    }

    /// <summary>Gets the budget.</summary>
    public decimal Budget { get; }

    /// <summary>Gets the estimated (before the run) or spent (during it) cost.</summary>
    public decimal Cost { get; }
}
