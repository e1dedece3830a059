namespace LlmStrategies.Pipeline;

/// <summary>Combines the <see cref="IContentVersioned.ContentVersion"/> of the components a component is built from.</summary>
internal static class ContentVersions
{
    /// <summary>A number that changes when the version of any versioned component changes (up to 64-bit hash collisions).</summary>
    public static long Combine(params ReadOnlySpan<object?> components)
    {
        var version = 17L;
        foreach (var component in components)
        {
            if (component is IContentVersioned versioned)
            {
                version = unchecked((version * 1_000_003) ^ versioned.ContentVersion);
            }
        }

        return version;
    }

    /// <summary>The store's version mixed into a combination, for components that read an example store.</summary>
    public static long Of(IExampleStore store) => unchecked((17L * 1_000_003) ^ store.Version);
}
