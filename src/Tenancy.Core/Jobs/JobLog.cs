using Microsoft.Extensions.Logging;

namespace Tenancy.Core.Jobs;

/// <summary>
/// What the background services log, with stable event names: operators follow them, and tests
/// wait on them (a sweep has started its timer, a run has finished) instead of sleeping.
/// </summary>
internal static partial class JobLog
{
    public const string SweepStartedEvent = "SweepStarted";
    public const string SweepRanEvent = "SweepRan";
    public const string SweepFailedEvent = "SweepFailed";
    public const string WorkerStartedEvent = "WorkerStarted";
    public const string DrainedEvent = "Drained";
    public const string DrainFailedEvent = "DrainFailed";

    [LoggerMessage(EventId = 9100, EventName = SweepStartedEvent, Level = LogLevel.Information, Message = "{Job} started: runs every {Interval}")]
    public static partial void SweepStarted(ILogger logger, string job, TimeSpan interval);

    [LoggerMessage(EventId = 9101, EventName = SweepRanEvent, Level = LogLevel.Debug, Message = "{Job} ran in {ElapsedMs:F0} ms")]
    public static partial void SweepRan(ILogger logger, string job, double elapsedMs);

    [LoggerMessage(EventId = 9102, EventName = SweepFailedEvent, Level = LogLevel.Warning, Message = "{Job} failed; the next run, in {Interval}, tries again")]
    public static partial void SweepFailed(ILogger logger, Exception exception, string job, TimeSpan interval);

    [LoggerMessage(EventId = 9110, EventName = WorkerStartedEvent, Level = LogLevel.Information, Message = "{Job} started: polls every {Interval} when not woken")]
    public static partial void WorkerStarted(ILogger logger, string job, TimeSpan interval);

    [LoggerMessage(EventId = 9111, EventName = DrainedEvent, Level = LogLevel.Debug, Message = "{Job} handled {Count} items")]
    public static partial void Drained(ILogger logger, string job, int count);

    [LoggerMessage(EventId = 9112, EventName = DrainFailedEvent, Level = LogLevel.Warning, Message = "{Job} failed; retrying in {Delay}")]
    public static partial void DrainFailed(ILogger logger, Exception exception, string job, TimeSpan delay);
}
