using System.Net;

namespace LlmStrategies.FineTuning.OpenAI;

/// <summary>The fine-tuning API refused a request, or kept failing after the retries.</summary>
public sealed class FineTuneApiException : HttpRequestException
{
    /// <summary>Creates an exception.</summary>
    public FineTuneApiException()
        : this("The fine-tuning API refused the request.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public FineTuneApiException(string message)
        : base(message)
    {
        RequestPath = string.Empty;
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public FineTuneApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        RequestPath = string.Empty;
    }

    /// <summary>Creates an exception for an HTTP answer.</summary>
    /// <param name="message">The message.</param>
    /// <param name="statusCode">The HTTP status of the answer.</param>
    /// <param name="requestPath">The method and path of the request, for example "POST /v1/files".</param>
    /// <param name="providerMessage">The provider's error message, when it sent one.</param>
    /// <param name="providerCode">The provider's error code or type, when it sent one.</param>
    public FineTuneApiException(string message, HttpStatusCode statusCode, string requestPath, string? providerMessage, string? providerCode)
        : base(message, null, statusCode)
    {
        RequestPath = requestPath;
        ProviderMessage = providerMessage;
        ProviderCode = providerCode;
    }

    /// <summary>Gets the method and path of the failed request.</summary>
    public string RequestPath { get; }

    /// <summary>Gets the provider's error message, when it sent one.</summary>
    public string? ProviderMessage { get; }

    /// <summary>Gets the provider's error code or type, when it sent one.</summary>
    public string? ProviderCode { get; }
}
