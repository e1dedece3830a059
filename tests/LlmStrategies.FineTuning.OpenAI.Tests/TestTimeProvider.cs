using Microsoft.Extensions.Time.Testing;

namespace LlmStrategies.FineTuning.OpenAI.Tests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that records every wait the code under test starts and, unless told otherwise,
/// advances its clock by exactly that wait at once, so polling and retry delays complete without real sleeping.
/// </summary>
internal sealed class TestTimeProvider : FakeTimeProvider
{
    public TestTimeProvider()
        : base(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Gets or sets a value indicating whether waits complete at once (true) or only when the test advances the clock.</summary>
    public bool AdvanceAutomatically { get; set; } = true;

    /// <summary>Gets or sets a callback run (on the thread pool) when a wait starts.</summary>
    public Action<TimeSpan>? WaitStarted { get; set; }

    public List<TimeSpan> Waits { get; } = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (Waits)
            {
                Waits.Add(dueTime);
            }

            ThreadPool.QueueUserWorkItem(_ =>
            {
                WaitStarted?.Invoke(dueTime);
                if (AdvanceAutomatically)
                {
                    Advance(dueTime);
                }
            });
        }

        return timer;
    }
}
