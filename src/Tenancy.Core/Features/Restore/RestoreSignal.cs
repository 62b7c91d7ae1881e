using Tenancy.Core.Jobs;

namespace Tenancy.Core.Features.Restore;

/// <summary>Wakes this instance's <see cref="RestoreWorker"/> when staff queue a restore here. Only a nudge: the job row is the work.</summary>
public sealed class RestoreSignal : WorkSignal;
