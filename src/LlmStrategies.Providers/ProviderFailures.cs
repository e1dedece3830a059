using System.ClientModel;
using System.Globalization;
using System.Net;
using LlmStrategies.Resilience;

namespace LlmStrategies.Providers;

/// <summary>
/// Teaches <see cref="ResilienceOptions"/> the failures of the provider SDKs: the OpenAI client's
/// <see cref="ClientResultException"/> (status code and Retry-After header) besides plain HTTP failures.
/// </summary>
public static class ProviderFailures
{
    /// <summary>Tells a transient failure (408, 429, 5xx, network errors) from a permanent one.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> when a retry may succeed.</returns>
    public static bool IsTransient(Exception exception) => exception switch
    {
        ClientResultException result => result.Status is 0 or (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500,
        _ => ResilienceOptions.DefaultIsTransient(exception),
    };

    /// <summary>Reads the delay a server asked for in its Retry-After header (seconds or an HTTP date), if any.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>The delay, or <see langword="null"/>.</returns>
    public static TimeSpan? RetryAfter(Exception exception)
    {
        if (exception is not ClientResultException result || result.GetRawResponse() is not { } response || !response.Headers.TryGetValue("Retry-After", out var value) || value is null)
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) && date > DateTimeOffset.UtcNow
            ? date - DateTimeOffset.UtcNow
            : null;
    }

    /// <summary>Uses <see cref="IsTransient"/> and <see cref="RetryAfter"/> in <paramref name="options"/>.</summary>
    /// <param name="options">The resilience settings to adjust.</param>
    /// <returns>The same settings.</returns>
    public static ResilienceOptions UseProviderFailures(this ResilienceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.IsTransient = IsTransient;
        options.RetryAfter = RetryAfter;
        return options;
    }
}
