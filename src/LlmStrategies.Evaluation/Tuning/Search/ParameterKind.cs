namespace LlmStrategies.Tuning;

/// <summary>The type of a <see cref="SearchParameter"/>'s values.</summary>
public enum ParameterKind
{
    /// <summary>Whole numbers (retrieval top-k, few-shot count, chunk size).</summary>
    WholeNumber,

    /// <summary>Finite floating-point numbers (fusion weights, thresholds).</summary>
    Number,

    /// <summary>Text (a selector's name, an instruction variant, an enum member's name).</summary>
    Text,

    /// <summary><see langword="true"/> or <see langword="false"/>.</summary>
    Boolean,
}
