using System.Globalization;
using System.Text;

namespace Tenancy.Admin.Components;

/// <summary>
/// A CSV file streamed to the browser as a download, row by row (the portal's exports: audit log,
/// tenant list). RFC 4180 fields, UTF-8 without a byte-order mark, flushed every
/// <see cref="FlushEvery"/> rows so a long export starts arriving at once.
/// </summary>
public sealed class CsvDownload : IAsyncDisposable
{
    private const int FlushEvery = 500;

    private readonly StreamWriter _writer;
    private readonly CancellationToken _cancellationToken;
    private int _rows;

    private CsvDownload(StreamWriter writer, CancellationToken cancellationToken) =>
        (_writer, _cancellationToken) = (writer, cancellationToken);

    /// <summary>Starts the response (headers: CSV, attachment <c>{fileStem}-{day}.csv</c>, not cached) and writes the header row.</summary>
    public static async Task<CsvDownload> StartAsync(HttpContext context, string fileStem, DateTime now, IReadOnlyList<string> header)
    {
        var day = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileStem}-{day}.csv\"";
        context.Response.Headers.CacheControl = "no-store";
        var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
        await writer.WriteLineAsync(string.Join(',', header));
        return new CsvDownload(writer, context.RequestAborted);
    }

    /// <summary>Writes one row, each value made a safe field (<see cref="Field"/>).</summary>
    public async Task WriteRowAsync(params string?[] values)
    {
        await _writer.WriteLineAsync(string.Join(',', values.Select(Field)));
        if (++_rows % FlushEvery == 0)
        {
            await _writer.FlushAsync(_cancellationToken);
        }
    }

    /// <summary>
    /// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes
    /// doubled. A value a spreadsheet would run as a formula (it starts with = + - @, a tab or a
    /// carriage return: staff-typed reasons and names can) is prefixed with an apostrophe.
    /// </summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
