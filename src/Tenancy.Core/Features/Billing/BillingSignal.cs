using Tenancy.Core.Jobs;

namespace Tenancy.Core.Features.Billing;

/// <summary>
/// Wakes this instance's <see cref="StripeEventWorker"/> when an event arrives here, is replayed
/// or re-queued. Only a nudge: the inbox row is the work, and the worker also polls.
/// </summary>
public sealed class BillingSignal : WorkSignal;
