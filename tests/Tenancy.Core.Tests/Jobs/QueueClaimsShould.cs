using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Jobs;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Jobs;

/// <summary>
/// <see cref="QueueClaims.ClaimAsync"/> on a queue table (the Stripe inbox): the due rows in the
/// queue's order up to a batch, only inside a transaction, and on PostgreSQL never a row another
/// open claim holds. Each test's rows have a type of their own, which its due condition names, so
/// the tests of a class share the table without seeing each other's rows.
/// </summary>
public abstract class QueueClaimsShould(TestDatabase database)
{
    protected static readonly DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ClaimTheDueRowsInOrderUpToTheBatch()
    {
        var type = await QueueAsync(
            ("due-2", StripeEventState.Pending, Now.AddMinutes(-2)),
            ("later", StripeEventState.Pending, Now.AddMinutes(5)),
            ("due-3", StripeEventState.Pending, Now),
            ("done", StripeEventState.Applied, Now.AddMinutes(-9)),
            ("due-1", StripeEventState.Pending, Now.AddMinutes(-3)));

        await using var db = database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(Cancellation);
        var batch = await ClaimAsync(db, type, 2);
        var all = await ClaimAsync(db, type, 10);

        Assert.Equal([Id(type, "due-1"), Id(type, "due-2")], batch.Select(e => e.Id));
        Assert.Equal([Id(type, "due-1"), Id(type, "due-2"), Id(type, "due-3")], all.Select(e => e.Id));
    }

    [Fact]
    public async Task RefuseToClaimOutsideATransaction()
    {
        var type = await QueueAsync(("due", StripeEventState.Pending, Now));
        await using var db = database.CreateContext();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ClaimAsync(db, type, 1));

        Assert.Contains("inside a transaction", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrackTheClaimedRowsSoTheirOutcomeIsSavedWithTheClaim()
    {
        var type = await QueueAsync(("due", StripeEventState.Pending, Now));
        await using (var db = database.CreateContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Cancellation);
            var claimed = Assert.Single(await ClaimAsync(db, type, 1));
            claimed.State = StripeEventState.Applied;
            await db.SaveChangesAsync(Cancellation);
            await transaction.CommitAsync(Cancellation);
        }

        await using var again = database.CreateContext();
        await using var next = await again.Database.BeginTransactionAsync(Cancellation);
        Assert.Empty(await ClaimAsync(again, type, 1));
    }

    /// <summary>The queue's due condition and order, as a queue names them: here, the Stripe inbox's, limited to one test's rows.</summary>
    protected static Task<List<StripeEvent>> ClaimAsync(TenancyDbContext db, string type, int batchSize) =>
        db.ClaimAsync<StripeEvent>($"type = {type} AND state = 'Pending' AND next_attempt_at <= {Now}", "next_attempt_at, id", batchSize, Cancellation);

    protected static string Id(string type, string name) => $"evt_{type}_{name}";

    /// <summary>Inserts inbox rows of a type of their own (returned).</summary>
    protected async Task<string> QueueAsync(params (string Name, StripeEventState State, DateTime NextAttemptAt)[] rows)
    {
        var type = "test." + Guid.NewGuid().ToString("N")[..12];
        await using var db = database.CreateContext();
        db.StripeEvents.AddRange(rows.Select(r => new StripeEvent
        {
            Id = Id(type, r.Name),
            Type = type,
            Payload = "{}",
            CreatedAt = Now,
            ReceivedAt = Now,
            State = r.State,
            NextAttemptAt = r.NextAttemptAt,
        }));
        await db.SaveChangesAsync(Cancellation);
        return type;
    }
}

public sealed class QueueClaimsShouldOnSqlite(SqliteDatabase database)
    : QueueClaimsShould(database), IClassFixture<SqliteDatabase>;

public sealed class QueueClaimsShouldOnPostgres(PostgresDatabase database)
    : QueueClaimsShould(database), IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task SkipTheRowsAnotherOpenClaimHoldsAndHandThemBackWhenItRollsBack()
    {
        var type = await QueueAsync(
            ("first", StripeEventState.Pending, Now.AddMinutes(-3)),
            ("second", StripeEventState.Pending, Now.AddMinutes(-2)),
            ("third", StripeEventState.Pending, Now.AddMinutes(-1)));
        await using var one = database.CreateContext();
        await using var oneTransaction = await one.Database.BeginTransactionAsync(Cancellation);
        await using var two = database.CreateContext();
        await using var twoTransaction = await two.Database.BeginTransactionAsync(Cancellation);

        var first = await ClaimAsync(one, type, 2);
        var second = await ClaimAsync(two, type, 2);
        await oneTransaction.RollbackAsync(Cancellation);
        await twoTransaction.RollbackAsync(Cancellation);
        await using var three = database.CreateContext();
        await using var threeTransaction = await three.Database.BeginTransactionAsync(Cancellation);
        var afterRollback = await ClaimAsync(three, type, 10);

        Assert.Equal([Id(type, "first"), Id(type, "second")], first.Select(e => e.Id));
        Assert.Equal([Id(type, "third")], second.Select(e => e.Id));
        Assert.Equal([Id(type, "first"), Id(type, "second"), Id(type, "third")], afterRollback.Select(e => e.Id));
    }
}
