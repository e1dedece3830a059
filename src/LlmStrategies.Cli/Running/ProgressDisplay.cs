using System.Globalization;
using LlmStrategies.Experiments;
using LlmStrategies.Tuning;

namespace LlmStrategies.Cli.Running;

/// <summary>
/// Shows an experiment's progress: a live bar with the estimated time left on a terminal, or, when the output is
/// redirected (CI logs), one line every <see cref="LineInterval"/> with the same estimate. The estimate extrapolates the
/// rate of the runs done since the display started (runs answered from the cache make it optimistic early on).
/// </summary>
internal sealed class ProgressDisplay(CliConsole console, string label) : IProgress<ExperimentProgress>
{
    public static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly long _started = console.TimeProvider.GetTimestamp();
    private long _lastLine = console.TimeProvider.GetTimestamp();
    private ExperimentProgress _last;
    private bool _drewBar;

    public void Report(ExperimentProgress value)
    {
        lock (_gate)
        {
            _last = value;
            var now = console.TimeProvider.GetTimestamp();
            if (console.IsInteractive)
            {
                console.Error.Write("\r" + Bar(value, console.TimeProvider.GetElapsedTime(_started, now)));
                _drewBar = true;
            }
            else if (console.TimeProvider.GetElapsedTime(_lastLine, now) >= LineInterval)
            {
                _lastLine = now;
                console.Error.WriteLine(Line(value, console.TimeProvider.GetElapsedTime(_started, now)));
            }
        }
    }

    /// <summary>The same display for the tuner's progress (its phases count runs as the experiment runner does).</summary>
    public IProgress<TuningProgress> ForTuning() => new TuningAdapter(this);

    /// <summary>Ends the display: finishes the bar's line, or writes a last line when redirected.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_drewBar)
            {
                console.Error.WriteLine();
            }
            else if (!console.IsInteractive && _last.Total > 0)
            {
                console.Error.WriteLine(Line(_last, console.TimeProvider.GetElapsedTime(_started)));
            }
        }
    }

    internal string Line(ExperimentProgress p, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{label}: {p.Completed}/{p.Total} runs ({Percent(p)}), {p.Reused} from cache, elapsed {Format(elapsed)}, ETA {Eta(p, elapsed)}");

    internal static string Bar(ExperimentProgress p, TimeSpan elapsed)
    {
        const int Width = 30;
        var filled = p.Total == 0 ? Width : (int)((long)p.Completed * Width / p.Total);
        return string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string('.', Width - filled)}] {p.Completed}/{p.Total} {Percent(p)} ETA {Eta(p, elapsed)}   ");
    }

    internal static string Eta(ExperimentProgress p, TimeSpan elapsed)
    {
        if (p.Completed >= p.Total)
        {
            return "0s";
        }

        if (p.Completed == 0 || elapsed <= TimeSpan.Zero)
        {
            return "unknown";
        }

        return Format(elapsed * ((double)(p.Total - p.Completed) / p.Completed));
    }

    private static string Percent(ExperimentProgress p) => p.Total == 0 ? "100%" : ((double)p.Completed / p.Total).ToString("P0", CultureInfo.InvariantCulture);

    private static string Format(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}h{t.Minutes:D2}m")
        : t.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes}m{t.Seconds:D2}s") : string.Create(CultureInfo.InvariantCulture, $"{(int)Math.Ceiling(t.TotalSeconds)}s");

    private sealed class TuningAdapter(ProgressDisplay display) : IProgress<TuningProgress>
    {
        public void Report(TuningProgress value) => display.Report(new ExperimentProgress(value.Completed, value.Total, 0, value.Spent, value.Phase));
    }
}
