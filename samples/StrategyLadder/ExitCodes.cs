namespace StrategyLadder;

/// <summary>The sample's exit codes (documented in README.md; scripts and CI branch on them).</summary>
internal static class ExitCodes
{
    /// <summary>The ladder ran and every run succeeded (and the regression gate, when given, passed).</summary>
    public const int Success = 0;

    /// <summary>A setting is invalid (a value of the wrong type or out of range, an unknown setting, a missing file); nothing was run.</summary>
    public const int InvalidSettings = 2;

    /// <summary>The regression gate found a significant drop against <c>--Ladder:GateBaseline</c>.</summary>
    public const int GateFailed = 3;

    /// <summary>Test items leak into the few-shot pool or the corpus and <c>--Ladder:FailOnLeakage=true</c>.</summary>
    public const int Leakage = 4;

    /// <summary>The estimate or the spending exceeded the budget, or a model has no price.</summary>
    public const int Budget = 5;

    /// <summary>The checkpoint or the response cache belongs to another experiment, is corrupt beyond repair, or is in use by another run.</summary>
    public const int ExperimentFile = 6;

    /// <summary>Some runs failed (the model or a component threw); their items are unscored.</summary>
    public const int RunsFailed = 7;

    /// <summary>Stopped by Ctrl-C (SIGINT); finished runs are in the checkpoint, the same command resumes.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM; finished runs are in the checkpoint, the same command resumes.</summary>
    public const int Terminated = 143;
}
