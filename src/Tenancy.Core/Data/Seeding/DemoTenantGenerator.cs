using System.Text;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Data.Seeding;

/// <summary>One generated tenant catalog row. The generator reuses a single instance: copy what you keep.</summary>
internal sealed class DemoTenant
{
    /// <summary>Position in the whole demo data set (unique across seeding runs); drives the unique suffixes.</summary>
    public long Sequence { get; set; }

    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public string Slug { get; set; } = "";

    public string OwnerName { get; set; } = "";

    public string OwnerEmail { get; set; } = "";

    public TenantStatus Status { get; set; }

    public string StatusName { get; set; } = "";

    public string PlanId { get; set; } = "";

    public string Region { get; set; } = "";

    public string? StripeCustomerId { get; set; }

    public string? StripeSubscriptionId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>The company's own mail domain (members of a tenant with data use it).</summary>
    public string CompanyDomain { get; set; } = "";

    /// <summary>True when this tenant also gets members, projects, items and settings.</summary>
    public bool HasData { get; set; }

    /// <summary>The time the tenant's loaded data is as of: the seed's clock, or a showcase tenant's history start.</summary>
    public DateTime DataUntil { get; set; }

    /// <summary>Set when this is one of the fixed showcase tenants (<see cref="DemoShowcase"/>).</summary>
    public DemoShowcaseTenant? Showcase { get; set; }

    /// <summary>Billing state and suspensions (PastDue and Suspended tenants, a few Active ones); a new instance per tenant, null for most.</summary>
    public DemoAccount? Account { get; set; }
}

/// <summary>
/// Deterministic demo tenants: the same seed, first sequence number and clock give the same rows.
/// Rows come out in <see cref="DemoTenant.CreatedAt"/> order (growth toward the present over
/// <see cref="HistoryYears"/> years), so UUID v7 ids ascend and primary key inserts append.
/// </summary>
internal sealed class DemoTenantGenerator
{
    public const int HistoryYears = 6;

    /// <summary>Sign-ups per day at the end of the history, relative to its start.</summary>
    private const double GrowthFactor = 8.0;

    private const int SlugSuffixLength = 6;
    private const ulong SlugSuffixSpace = 2_176_782_336UL; // 36^6

    private static readonly char[] Base36 = "0123456789abcdefghijklmnopqrstuvwxyz".ToCharArray();
    private static readonly char[] Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".ToCharArray();

    private static readonly TenantStatus[] Statuses =
        [TenantStatus.Active, TenantStatus.Trial, TenantStatus.PastDue, TenantStatus.Suspended, TenantStatus.Deleted];

    private static readonly string[] StatusNames = Statuses.Select(s => s.ToString()).ToArray();

    private static readonly Weighted StatusWeights = new([0.72, 0.14, 0.03, 0.02, 0.09]);

    private static readonly string[] Plans = [PlanCatalog.Free, PlanCatalog.Starter, PlanCatalog.Professional, PlanCatalog.Enterprise];
    private static readonly Weighted PlanWeights = new([0.55, 0.28, 0.13, 0.04]);
    private static readonly Weighted TrialPlanWeights = new([0.82, 0.1, 0.06, 0.02]);

    /// <summary>Past due means an unpaid invoice: only paying plans get there.</summary>
    private static readonly Weighted PastDuePlanWeights = new([0, 0.6, 0.3, 0.1]);

    /// <summary>Chance that a tenant on each plan (same order as <see cref="Plans"/>) has tenant data: about 5 % in all.</summary>
    private static readonly double[] DataChanceByPlan = [0.02, 0.05, 0.12, 0.35];

    /// <summary>
    /// Runs bigger than this give tenant data to the same number of tenants as a run of this size
    /// (about 48,000): enough for every feature, without doubling a 10-million-tenant load.
    /// </summary>
    public const int TenantDataFullRateUpTo = 1_000_000;

    private static readonly Weighted RegionWeights = new([0.38, 0.14, 0.2, 0.15, 0.09, 0.04]);

    private static readonly Weighted FreeMailWeights = new(DemoWords.FreeMailWeights);

    private readonly Random _random;
    private readonly long _firstSequence;
    private readonly int _count;
    private readonly double _dataRate;
    private readonly DateTime _start;
    private readonly DateTime _end;
    private readonly long _spanTicks;
    private readonly double _growth = Math.Log(GrowthFactor);
    private readonly DemoAccountGenerator _accounts;
    private readonly DemoTenant _row = new();
    private readonly StringBuilder _builder = new(128);
    private int _index;

    /// <param name="seed">Seed of the run; combined with <paramref name="firstSequence"/> so a second run draws different data.</param>
    /// <param name="firstSequence">Sequence number of the first row: the number of tenants seeded before.</param>
    /// <param name="count">Rows to generate.</param>
    /// <param name="now">End of the generated history (UTC).</param>
    public DemoTenantGenerator(int seed, long firstSequence, int count, DateTime now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstSequence);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (firstSequence + count > (long)SlugSuffixSpace)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "The demo data set is limited to 36^6 tenants.");
        }

        _random = new Random(DemoIds.Seed(seed, firstSequence));
        _firstSequence = firstSequence;
        _count = count;
        _dataRate = Math.Min(1.0, (double)TenantDataFullRateUpTo / Math.Max(count, 1));
        _end = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        _start = _end.AddYears(-HistoryYears);
        _spanTicks = _end.Ticks - _start.Ticks;
        _accounts = new DemoAccountGenerator(seed, _end);
    }

    public int Count => _count;

    /// <summary>Fills the next row, or returns false when all <see cref="Count"/> rows were produced.</summary>
    public bool TryNext(out DemoTenant row)
    {
        row = _row;
        if (_index >= _count)
        {
            return false;
        }

        var r = _random;
        row.Sequence = _firstSequence + _index;

        // A showcase tenant takes its fixed region, plan, name, slug and domain instead of drawn
        // ones, is Active, always has data and signed up long before its history starts (it is
        // among the oldest anyway unless a run seeds only a few tenants); the rest is drawn as usual.
        var showcase = DemoShowcase.At(row.Sequence);
        row.Showcase = showcase;
        row.CreatedAt = CreatedAt(_index, r);
        if (showcase is not null && row.CreatedAt > _end.AddYears(-1))
        {
            row.CreatedAt = _end.AddYears(-1).AddDays(showcase.Sequence);
        }

        row.Id = DemoIds.Version7(row.CreatedAt, r);
        _index++;

        row.Region = Regions.All[RegionWeights.Pick(r)];
        var statusIndex = StatusWeights.Pick(r);
        if (showcase is not null)
        {
            row.Region = showcase.Region;
            statusIndex = Array.IndexOf(Statuses, TenantStatus.Active);
        }

        row.Status = Statuses[statusIndex];
        row.StatusName = StatusNames[statusIndex];
        var plans = row.Status switch
        {
            TenantStatus.Trial => TrialPlanWeights,
            TenantStatus.PastDue => PastDuePlanWeights,
            _ => PlanWeights,
        };
        var planIndex = showcase is null ? plans.Pick(r) : Array.IndexOf(Plans, showcase.PlanId);
        row.PlanId = Plans[planIndex];

        var (name, baseName) = CompanyName(r, row.Region);
        var kebab = Kebab(baseName, Tenant.SlugMaxLength - SlugSuffixLength - 1);
        row.Name = showcase?.Name ?? name;
        row.Slug = showcase?.Slug ?? kebab + "-" + Scramble36(row.Sequence);
        row.CompanyDomain = showcase?.CompanyDomain ?? kebab.Replace("-", "", StringComparison.Ordinal) + TopLevelDomain(r, row.Region);

        var first = DemoWords.FirstNames[r.Next(DemoWords.FirstNames.Length)];
        var last = DemoWords.LastNames[r.Next(DemoWords.LastNames.Length)];
        row.OwnerName = first + " " + last;
        row.OwnerEmail = OwnerEmail(r, first, last, row.CompanyDomain);

        // Paying tenants have a Stripe customer and subscription; so do a few free tenants that
        // once paid (downgraded), and trials that already entered a card.
        var paying = planIndex > 0 && row.Status != TenantStatus.Trial;
        var hasCustomer = paying || r.NextDouble() < (row.Status == TenantStatus.Trial ? 0.1 : 0.03);
        row.StripeCustomerId = hasCustomer ? StripeId("cus_", row.Sequence, 14, r, 0x2545F491UL, 0x9E3779B1UL) : null;
        row.StripeSubscriptionId = paying ? StripeId("sub_", row.Sequence, 14 + r.Next(11), r, 0x5851F42DUL, 0x14057B7EUL) : null;

        row.UpdatedAt = UpdatedAt(row.CreatedAt, row.Status, r);
        row.HasData = showcase is not null || (row.Status != TenantStatus.Deleted && r.NextDouble() < DataChanceByPlan[planIndex] * _dataRate);
        row.DataUntil = showcase is null ? _end : _end - showcase.HistoryLength;

        // From the tenant's own random stream, so the rows above are what they were before billing.
        row.Account = _accounts.For(row);
        return true;
    }

    /// <summary>Sign-up times, ascending: sequence position mapped through an exponential-growth distribution.</summary>
    private DateTime CreatedAt(int index, Random r)
    {
        var u = (index + r.NextDouble()) / _count;
        var fraction = Math.Log(1 + u * (GrowthFactor - 1)) / _growth;
        var ticks = _start.Ticks + (long)(fraction * _spanTicks);
        return new DateTime(ticks - ticks % 10, DateTimeKind.Utc); // microseconds, as PostgreSQL stores them
    }

    private DateTime UpdatedAt(DateTime created, TenantStatus status, Random r)
    {
        var end = _start.Ticks + _spanTicks;
        var age = end - created.Ticks;

        // Active tenants were touched recently; others stopped changing somewhere in their life.
        var fraction = status == TenantStatus.Active
            ? 1 - Math.Pow(r.NextDouble(), 3) * 0.5
            : r.NextDouble();
        var ticks = created.Ticks + (long)(age * fraction);
        return new DateTime(Math.Max(created.Ticks, ticks - ticks % 10), DateTimeKind.Utc);
    }

    /// <summary>A company name and its "brand" part (no legal suffix), which slugs and domains are made from.</summary>
    private (string Name, string BaseName) CompanyName(Random r, string region)
    {
        var b = _builder.Clear();
        var roll = r.NextDouble();
        bool legal;
        if (roll < 0.38)
        {
            var prefix = Pick(r, DemoWords.Prefixes);
            var industry = Pick(r, DemoWords.Industries);
            while (industry == prefix)
            {
                industry = Pick(r, DemoWords.Industries);
            }

            b.Append(prefix).Append(' ').Append(industry);
            legal = r.NextDouble() < 0.6;
        }
        else if (roll < 0.58)
        {
            var prefix = Pick(r, DemoWords.Prefixes);
            var tail = Pick(r, DemoWords.CompoundTails);
            b.Append(prefix).Append(tail);
            if (r.NextDouble() < 0.5)
            {
                b.Append(' ').Append(Pick(r, DemoWords.Industries));
            }

            legal = r.NextDouble() < 0.5;
        }
        else if (roll < 0.73)
        {
            b.Append(Pick(r, DemoWords.LastNames)).Append(' ').Append(Pick(r, DemoWords.Industries));
            legal = r.NextDouble() < 0.55;
        }
        else if (roll < 0.81)
        {
            var a = Pick(r, DemoWords.LastNames);
            var c = Pick(r, DemoWords.LastNames);
            while (c == a)
            {
                c = Pick(r, DemoWords.LastNames);
            }

            b.Append(a).Append(" & ").Append(c);
            if (r.NextDouble() < 0.3)
            {
                b.Append(' ').Append(r.NextDouble() < 0.5 ? "Partners" : "Associates");
            }

            legal = r.NextDouble() < 0.5;
        }
        else if (roll < 0.93)
        {
            b.Append(Pick(r, DemoWords.Places)).Append(' ').Append(Pick(r, DemoWords.Industries));
            legal = r.NextDouble() < 0.45;
        }
        else
        {
            b.Append(Pick(r, DemoWords.Prefixes)).Append(' ').Append(Pick(r, DemoWords.Nouns))
                .Append(' ').Append(Pick(r, DemoWords.Industries));
            legal = r.NextDouble() < 0.5;
        }

        var baseName = b.ToString();
        return legal ? (baseName + " " + LegalSuffix(r, region), baseName) : (baseName, baseName);
    }

    private static string LegalSuffix(Random r, string region)
    {
        var roll = r.NextDouble();
        return region switch
        {
            "us-east" or "us-west" => roll switch { < 0.4 => "Inc.", < 0.8 => "LLC", < 0.9 => "Corp.", _ => "Co." },
            "eu-west" => roll switch { < 0.45 => "Ltd", < 0.6 => "BV", < 0.75 => "SAS", < 0.85 => "Limited", < 0.95 => "S.L.", _ => "PLC" },
            "eu-central" => roll switch { < 0.6 => "GmbH", < 0.75 => "AG", < 0.85 => "s.r.o.", < 0.95 => "Sp. z o.o.", _ => "KG" },
            "ap-southeast" => roll switch { < 0.45 => "Pte Ltd", < 0.8 => "Pty Ltd", < 0.9 => "K.K.", _ => "Ltd" },
            _ => roll < 0.6 ? "Ltda" : "S.A.",
        };
    }

    private static string TopLevelDomain(Random r, string region)
    {
        var roll = r.NextDouble();
        return region switch
        {
            "us-east" or "us-west" => roll switch { < 0.75 => ".com", < 0.88 => ".io", < 0.95 => ".co", _ => ".net" },
            "eu-west" => roll switch { < 0.4 => ".com", < 0.6 => ".co.uk", < 0.72 => ".nl", < 0.84 => ".fr", < 0.92 => ".es", _ => ".ie" },
            "eu-central" => roll switch { < 0.3 => ".com", < 0.7 => ".de", < 0.8 => ".at", < 0.9 => ".ch", _ => ".pl" },
            "ap-southeast" => roll switch { < 0.35 => ".com", < 0.6 => ".com.au", < 0.8 => ".sg", < 0.9 => ".jp", _ => ".co.nz" },
            _ => roll < 0.6 ? ".com.br" : ".com",
        };
    }

    private string OwnerEmail(Random r, string first, string last, string companyDomain)
    {
        var f = LocalPart(first);
        var l = LocalPart(last);
        if (r.NextDouble() < 0.3)
        {
            var domain = DemoWords.FreeMailDomains[FreeMailWeights.Pick(r)];
            return r.NextDouble() < 0.6
                ? $"{f}.{l}{r.Next(1, 100)}@{domain}"
                : $"{f}{l}{r.Next(1950, 2006)}@{domain}";
        }

        return r.NextDouble() switch
        {
            < 0.55 => $"{f}.{l}@{companyDomain}",
            < 0.8 => $"{f}@{companyDomain}",
            < 0.92 => $"{f[0]}{l}@{companyDomain}",
            _ => $"{f}.{l[0]}@{companyDomain}",
        };
    }

    /// <summary>A person's name as the local part of an email address ("O'Brien" → "obrien", "de Vries" → "devries").</summary>
    public static string LocalPart(string name)
    {
        Span<char> buffer = stackalloc char[name.Length];
        var length = 0;
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '-')
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..length]);
    }

    /// <summary>Lower-case kebab form: letters and digits kept, everything else one hyphen, at most <paramref name="maxLength"/> characters.</summary>
    public static string Kebab(string text, int maxLength)
    {
        Span<char> buffer = stackalloc char[Math.Min(text.Length, maxLength)];
        var length = 0;
        var pendingHyphen = false;
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (pendingHyphen && length > 0)
                {
                    if (length + 1 >= buffer.Length)
                    {
                        break;
                    }

                    buffer[length++] = '-';
                }

                pendingHyphen = false;
                if (length >= buffer.Length)
                {
                    break;
                }

                buffer[length++] = char.ToLowerInvariant(c);
            }
            else if (c != '\'')
            {
                pendingHyphen = true;
            }
        }

        return length == 0 ? "tenant" : new string(buffer[..length]);
    }

    /// <summary>
    /// A fixed-width base-36 token that is unique per sequence number (an affine bijection on
    /// 36^6, so neighbouring tenants get unrelated-looking suffixes).
    /// </summary>
    public static string Scramble36(long sequence)
    {
        var value = ((ulong)sequence * 1_234_567_891UL + 987_654_321UL) % SlugSuffixSpace;
        return string.Create(SlugSuffixLength, value, static (span, v) =>
        {
            for (var i = span.Length - 1; i >= 0; i--)
            {
                span[i] = Base36[(int)(v % 36)];
                v /= 36;
            }
        });
    }

    /// <summary>
    /// <c>prefix</c> + <paramref name="length"/> alphanumerics: six encode the sequence number through a
    /// bijection on 62^6 (so ids are unique), the rest are random.
    /// </summary>
    private static string StripeId(string prefix, long sequence, int length, Random r, ulong multiplier, ulong offset)
    {
        const ulong space = 56_800_235_584UL; // 62^6, multiplier must be odd and not a multiple of 31
        var value = (ulong)(((UInt128)(ulong)sequence * multiplier + offset) % space);
        Span<char> chars = stackalloc char[prefix.Length + length];
        prefix.AsSpan().CopyTo(chars);
        for (var i = prefix.Length; i < chars.Length; i++)
        {
            chars[i] = Base62[r.Next(62)];
        }

        // Unique digits at every other position from the start of the random part.
        for (var i = 0; i < 6; i++)
        {
            chars[prefix.Length + 1 + i * 2] = Base62[(int)(value % 62)];
            value /= 62;
        }

        return new string(chars);
    }

    private static string Pick(Random r, string[] words) => words[r.Next(words.Length)];
}

/// <summary>A discrete distribution: <see cref="Pick"/> returns an index with the given relative weights.</summary>
internal sealed class Weighted
{
    private readonly double[] _cumulative;

    public Weighted(double[] weights)
    {
        _cumulative = new double[weights.Length];
        var total = weights.Sum();
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i] / total;
            _cumulative[i] = sum;
        }

        _cumulative[^1] = 1.0;
    }

    public int Pick(Random random)
    {
        var u = random.NextDouble();
        for (var i = 0; i < _cumulative.Length; i++)
        {
            if (u < _cumulative[i])
            {
                return i;
            }
        }

        return _cumulative.Length - 1;
    }
}

internal static class DemoIds
{
    /// <summary>
    /// A seed for <see cref="Random"/> derived from the inputs with SplitMix64 (stable across processes,
    /// unlike <see cref="HashCode"/>, which is randomised per process).
    /// </summary>
    public static int Seed(long a, long b, long c = 0)
    {
        var x = Mix((ulong)a) ^ Mix((ulong)b + 0x632BE59BD9B4E019UL) ^ Mix((ulong)c + 0x8CB92BA72F3D8DD7UL);
        return (int)(Mix(x) & 0x7FFFFFFF);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A UUID v7 (RFC 9562) for <paramref name="time"/> whose random bits come from <paramref name="random"/>, so demo ids are reproducible.</summary>
    public static Guid Version7(DateTime time, Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes[6..]);
        var milliseconds = (ulong)(time - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)milliseconds;
            milliseconds >>= 8;
        }

        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
