namespace LlmStrategies.Cli;

/// <summary>The process exit codes, documented in the package README; scripts and CI depend on them.</summary>
internal static class ExitCodes
{
    /// <summary>Everything ran; no gate failed.</summary>
    public const int Success = 0;

    /// <summary>The regression gate failed (a significant drop beyond the tolerance, errors, or a missing rung).</summary>
    public const int GateFailed = 1;

    /// <summary>The command line or the config file is wrong; nothing ran.</summary>
    public const int ConfigError = 2;

    /// <summary>The run failed while working (a model endpoint, a corrupt cache or report, a missing embedding model).</summary>
    public const int RuntimeError = 3;

    /// <summary>The budget would be or was exceeded; what ran is in the response cache.</summary>
    public const int BudgetExceeded = 4;

    /// <summary>Cancelled (Ctrl-C or SIGTERM); the response cache and checkpoint are kept, so a rerun resumes.</summary>
    public const int Cancelled = 130;
}
