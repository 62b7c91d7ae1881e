using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Tenancy.Core.Features.Tenants;

/// <summary>
/// A keyset position: the sort value and id of a row, as an opaque URL-safe token.
/// The id breaks ties, so the order is total and no row is skipped or repeated.
/// </summary>
public readonly record struct TenantCursor(string? Name, DateTime CreatedAt, Guid Id)
{
    private const char Separator = '\u001F';
    private const char NamePrefix = 'n';
    private const char CreatedPrefix = 'c';

    public static string Encode(TenantSort sort, string name, DateTime createdAt, Guid id)
    {
        // The sort's letter leads, so a cursor from one sort is never taken for another.
        var value = sort == TenantSort.Name
            ? NamePrefix + name
            : CreatedPrefix + createdAt.Ticks.ToString(CultureInfo.InvariantCulture);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value + Separator + id.ToString("N")));
    }

    public static bool TryDecode(TenantSort sort, string? token, out TenantCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(token) || token.Length > 1_000)
        {
            return false;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            return false;
        }

        var split = text.LastIndexOf(Separator);
        if (split < 0 || !Guid.TryParseExact(text.AsSpan(split + 1), "N", out var id))
        {
            return false;
        }

        var prefix = sort == TenantSort.Name ? NamePrefix : CreatedPrefix;
        if (split == 0 || text[0] != prefix)
        {
            return false;
        }

        var value = text[1..split];
        if (sort == TenantSort.Name)
        {
            if (value.Length > Tenant.NameMaxLength)
            {
                return false;
            }

            cursor = new TenantCursor(value, default, id);
            return true;
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        cursor = new TenantCursor(null, new DateTime(ticks, DateTimeKind.Utc), id);
        return true;
    }
}
