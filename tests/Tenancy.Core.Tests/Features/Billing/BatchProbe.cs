using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tenancy.Core.Features.Billing;

namespace Tenancy.Core.Tests.Features.Billing;

/// <summary>
/// Looks into the event processor's batches from outside, through EF Core interceptors on the
/// contexts its factory hands out (<see cref="BillingHarness.NewProcessor"/>): which events'
/// outcomes were committed and how often, a pause or a stop just before a batch commits, and a
/// failure while saving one event's outcome. The processor has no hooks of its own.
/// </summary>
public sealed class BatchProbe : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, List<string>> saving = new();
    private readonly ConditionalWeakTable<DbContext, List<string>> saved = new();

    /// <summary>How many times each event's outcome was saved by a transaction that then committed.</summary>
    public ConcurrentDictionary<string, int> Committed { get; } = new(StringComparer.Ordinal);

    /// <summary>Runs when a batch is about to commit, after every outcome in it was saved.</summary>
    public Func<CancellationToken, Task>? BeforeCommit { get; set; }

    /// <summary>Saving this event's outcome throws, as a database failing mid-batch would.</summary>
    public string? FailSavingOutcomeOf { get; set; }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        var context = eventData.Context!;
        context.ChangeTracker.DetectChanges();
        var outcomes = context.ChangeTracker.Entries<StripeEvent>()
            .Where(e => e.State == EntityState.Modified && e.Property(x => x.State).IsModified && e.Entity.State != StripeEventState.Pending)
            .Select(e => e.Entity.Id)
            .ToList();
        if (FailSavingOutcomeOf is { } failing && outcomes.Contains(failing))
        {
            throw new TimeoutException("simulated failure while saving the outcome of " + failing);
        }

        saving.AddOrUpdate(context, outcomes);
        return ValueTask.FromResult(result);
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        var context = eventData.Context!;
        if (saving.TryGetValue(context, out var outcomes))
        {
            saved.GetOrCreateValue(context).AddRange(outcomes);
            saving.Remove(context);
        }

        return ValueTask.FromResult(result);
    }

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        saving.Remove(eventData.Context!);
        return Task.CompletedTask;
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (BeforeCommit is { } beforeCommit)
        {
            await beforeCommit(cancellationToken);
        }

        return result;
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && saved.TryGetValue(context, out var outcomes))
        {
            foreach (var id in outcomes)
            {
                Committed.AddOrUpdate(id, 1, (_, count) => count + 1);
            }

            saved.Remove(context);
        }

        return Task.CompletedTask;
    }
}
