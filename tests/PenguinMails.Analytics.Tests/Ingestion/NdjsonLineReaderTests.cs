using System.Text;
using PenguinMails.Analytics.Ingestion;

namespace PenguinMails.Analytics.Tests.Ingestion;

public sealed class NdjsonLineReaderTests
{
    private static async Task<List<(long Line, bool TooLong, string Text)>> ReadAllAsync(byte[] input, int maxLineBytes, int chunk = 1 << 20)
    {
        var reader = new NdjsonLineReader(new TrickleStream(input, chunk), maxLineBytes);
        var lines = new List<(long, bool, string)>();
        while (true)
        {
            var (read, number, tooLong) = await reader.ReadAsync(TestContext.Current.CancellationToken);
            if (!read)
            {
                return lines;
            }
            lines.Add((number, tooLong, Encoding.UTF8.GetString(reader.Current.Span)));
        }
    }

    [Fact]
    public async Task lines_are_numbered_with_bom_and_crlf_removed_and_a_last_line_without_newline_kept()
    {
        var input = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{\"a\":1}\r\n\n{\"b\":2}")).ToArray();

        var lines = await ReadAllAsync(input, 100);

        Assert.Equal([(1L, false, "{\"a\":1}"), (2L, false, ""), (3L, false, "{\"b\":2}")], lines);
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(7)]
    public async Task an_over_long_line_is_reported_and_skipped_without_losing_its_neighbours(int chunk)
    {
        var longLine = new string('x', 5_000);
        var input = Encoding.UTF8.GetBytes($"short\n{longLine}\nafter\n{longLine}");

        var lines = await ReadAllAsync(input, 1_000, chunk);

        Assert.Equal([(1L, false, "short"), (2L, true, ""), (3L, false, "after"), (4L, true, "")], lines);
    }

    [Fact]
    public async Task a_line_of_exactly_the_limit_is_kept()
    {
        var lines = await ReadAllAsync(Encoding.UTF8.GetBytes(new string('y', 64) + "\n"), 64);

        Assert.Equal([(1L, false, new string('y', 64))], lines);
    }

    /// <summary>Returns at most <c>chunk</c> bytes per read, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
