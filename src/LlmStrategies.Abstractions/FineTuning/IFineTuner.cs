namespace LlmStrategies;

/// <summary>
/// Starts fine-tuning jobs on one provider (a hosted API or a local trainer). Provider-neutral on purpose: hosted
/// fine-tuning offers change and get retired, so nothing above this interface names a vendor.
/// </summary>
public interface IFineTuner
{
    /// <summary>Gets the provider's name, for logs and experiment records.</summary>
    string ProviderName { get; }

    /// <summary>Uploads the training data and starts a job.</summary>
    /// <param name="request">What to train.</param>
    /// <param name="cancellationToken">Cancels the upload and creation (not a job that already started).</param>
    /// <returns>A handle to the started job.</returns>
    Task<IFineTuneJob> StartAsync(FineTuneRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets a handle to a job started earlier (for example by another process).</summary>
    /// <param name="jobId">The job's identifier.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>A handle to the job.</returns>
    Task<IFineTuneJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default);
}
