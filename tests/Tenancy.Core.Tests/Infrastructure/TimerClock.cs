namespace Tenancy.Core.Tests.Infrastructure;

/// <summary>
/// A clock the test moves by hand whose timers (<see cref="PeriodicTimer"/>, <c>Task.Delay</c>
/// on a <see cref="TimeProvider"/>) fire when <see cref="Advance"/> passes their due time, on the
/// caller's thread. <see cref="TimerCreated"/> completes when code under test creates its first
/// timer, so a test can wait for a background loop to start instead of sleeping.
/// </summary>
public sealed class TimerClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock sync = new();
    private readonly List<ManualTimer> timers = [];
    private readonly TaskCompletionSource timerCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset now = start;

    public Task TimerCreated => timerCreated.Task;

    public override DateTimeOffset GetUtcNow()
    {
        lock (sync)
        {
            return now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (sync)
        {
            timers.Add(timer);
        }

        timerCreated.TrySetResult();
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (sync)
        {
            target = now + by;
        }

        while (true)
        {
            ManualTimer? next;
            lock (sync)
            {
                next = timers.Where(t => t.Due is { } due && due <= target).MinBy(t => t.Due);
                if (next is null)
                {
                    now = target;
                    return;
                }

                now = next.Due!.Value;
                next.Due = next.Period is { } period ? now + period : null;
            }

            next.Fire();
        }
    }

    private sealed class ManualTimer(TimerClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan? Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock.sync)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock.sync)
            {
                Due = null;
                clock.timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
