using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Restore;

/// <summary>Tenants and tenant data for the restore tests, and the oracle they compare with: a snapshot of every row of a tenant.</summary>
public sealed class RestoreTestData(TestDatabase database)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static readonly DateTime Start = new(2026, 11, 1, 9, 0, 0, DateTimeKind.Utc);

    public static Project NewProject(Guid tenant, string name) => new() { TenantId = tenant, Name = name, CreatedAt = Start, UpdatedAt = Start };

    public static ProjectItem Item(Project project, string title, long size) =>
        new() { TenantId = project.TenantId, ProjectId = project.Id, Title = title, SizeBytes = size, CreatedAt = Start, UpdatedAt = Start };

    /// <summary>A field of a JSON object (a logged key or row) as text (numbers as written), or null.</summary>
    public static string? Field(string? json, string name)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;
    }

    /// <summary>A moment strictly between the writes before it and those after it.</summary>
    public static async Task<DateTime> MomentAsync()
    {
        await Task.Delay(20, Cancellation);
        var moment = DateTime.UtcNow;
        await Task.Delay(20, Cancellation);
        return moment;
    }

    public async Task<Guid> CreateTenantAsync()
    {
        var id = Guid.CreateVersion7();
        await using var db = database.CreateContext();
        db.Tenants.Add(new Tenant
        {
            Id = id,
            Name = "Rewind " + id.ToString("N")[^12..],
            Slug = "rewind-" + id.ToString("N")[^12..],
            OwnerName = "Owner",
            OwnerEmail = "owner@rewind.example",
            PlanId = PlanCatalog.Starter,
            Region = "eu-west",
            CreatedAt = Start,
            UpdatedAt = Start,
        });
        await db.SaveChangesAsync(Cancellation);
        return id;
    }

    public async Task<int> ChangeCountAsync(Guid tenant)
    {
        await using var db = database.CreateContext();
        return await db.TenantChanges.CountAsync(c => c.TenantId == tenant, Cancellation);
    }

    /// <summary>Every row of every captured table of the tenant, every column, as text, in key order.</summary>
    public async Task<List<string>> SnapshotAsync(Guid tenant)
    {
        await using var db = database.CreateContext();
        var rows = new List<string>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(Cancellation);
        foreach (var table in TenantRewind.ParentsFirst(db.Model))
        {
            await using DbCommand command = connection.CreateCommand();
            var columns = string.Join(", ", table.Columns.Select(c => $"\"{c}\""));
            command.CommandText = $"SELECT {columns} FROM \"{table.Name}\" WHERE tenant_id = @tenant ORDER BY {string.Join(", ", table.RowKeyColumns.Select(c => $"\"{c}\""))}";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "tenant";
            parameter.Value = database.Provider == DatabaseProvider.Postgres ? tenant : tenant.ToString().ToUpperInvariant();
            command.Parameters.Add(parameter);
            await using var reader = await command.ExecuteReaderAsync(Cancellation);
            while (await reader.ReadAsync(Cancellation))
            {
                var values = Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture));
                rows.Add(table.Name + ": " + string.Join(" | ", values));
            }
        }

        return rows;
    }

    /// <summary>Adds <paramref name="count"/> projects named "<paramref name="name"/> 1", "… 2", each with an item if asked, in one SaveChanges.</summary>
    public async Task AddProjectsAsync(Guid tenant, string name, int count, bool withItem = false)
    {
        await using var db = database.CreateContext();
        for (var i = 1; i <= count; i++)
        {
            var project = NewProject(tenant, $"{name} {i}");
            db.Projects.Add(project);
            if (withItem && i == 1)
            {
                db.ProjectItems.Add(Item(project, "item of " + project.Name, 1_000));
            }
        }

        await db.SaveChangesAsync(Cancellation);
    }

    public async Task<string> SlugAsync(Guid tenant)
    {
        await using var db = database.CreateContext();
        return await db.Tenants.Where(t => t.Id == tenant).Select(t => t.Slug).SingleAsync(Cancellation);
    }

    /// <summary>The restore job as stored now.</summary>
    public async Task<RestoreJob> JobAsync(Guid tenant, Guid id)
    {
        await using var db = database.CreateContext();
        return await db.RestoreJobs.AsNoTracking().SingleAsync(j => j.TenantId == tenant && j.Id == id, Cancellation);
    }

    /// <summary>The job the tenant is marked as being restored by, if any.</summary>
    public async Task<Guid?> RestoringJobAsync(Guid tenant)
    {
        await using var db = database.CreateContext();
        return await db.Tenants.Where(t => t.Id == tenant).Select(t => t.RestoreJobId).SingleAsync(Cancellation);
    }

    /// <summary>The tenant's audit actions, oldest first.</summary>
    public async Task<List<string>> AuditActionsAsync(Guid tenant)
    {
        await using var db = database.CreateContext();
        return await db.AuditLog.Where(e => e.TenantId == tenant).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync(Cancellation);
    }
}
