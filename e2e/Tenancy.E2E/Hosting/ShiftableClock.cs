namespace Tenancy.E2E.Hosting;

/// <summary>
/// The billing services' clock in the end-to-end run: system time plus an offset that a test can
/// move forward ("a week passes"). Only billing gets it (<see cref="PortalAppFactory"/>): the
/// portal's own <see cref="TimeProvider"/> stays real, so staff cookies do not expire and the
/// webhook endpoint checks Stripe's signature timestamps against real time, as in production.
/// Timers and timestamps are the system's; only <see cref="GetUtcNow"/> is shifted.
/// </summary>
public sealed class ShiftableClock : TimeProvider
{
    private long offsetTicks;

    /// <summary>How far ahead of system time this clock is.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <summary>Moves the clock forward. Never back: events and deadlines already written stay in its past.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref offsetTicks, by.Ticks);
    }
}
