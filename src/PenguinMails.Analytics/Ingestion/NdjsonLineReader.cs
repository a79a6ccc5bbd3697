namespace PenguinMails.Analytics.Ingestion;

/// <summary>
/// Reads NDJSON lines from a stream with a fixed buffer, so memory stays flat however large the
/// input. A line longer than the limit is reported (and skipped to its end) rather than buffered.
/// </summary>
internal sealed class NdjsonLineReader
{
    private readonly Stream stream;
    private readonly int maxLineBytes;
    private readonly byte[] buffer;
    private int start;
    private int end;
    private bool eof;
    private long lineNumber;

    public NdjsonLineReader(Stream stream, int maxLineBytes)
    {
        this.stream = stream;
        this.maxLineBytes = maxLineBytes;
        buffer = new byte[Math.Max(maxLineBytes + 2, 1 << 20)];
    }

    /// <summary>Bytes consumed so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// The next line (without its line break), or false at the end of the input. <c>TooLong</c>
    /// is true, with an empty line, when the line exceeded the limit.
    /// </summary>
    public async ValueTask<(bool Read, long LineNumber, bool TooLong)> ReadAsync(CancellationToken cancellationToken)
    {
        var tooLong = false;
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                lineNumber++;
                tooLong |= newline - start > maxLineBytes;
                Current = tooLong ? default : Trim(buffer.AsMemory(start, newline - start));
                BytesRead += newline + 1 - start;
                start = newline + 1;
                return (true, lineNumber, tooLong);
            }
            if (eof)
            {
                if (start == end && !tooLong)
                {
                    return (false, lineNumber, false);
                }
                lineNumber++;
                tooLong |= end - start > maxLineBytes;
                Current = tooLong ? default : Trim(buffer.AsMemory(start, end - start));
                BytesRead += end - start;
                start = end;
                return (true, lineNumber, tooLong);
            }
            if (end - start > maxLineBytes)
            {
                // Drop what we have of the over-long line and keep reading to its end.
                tooLong = true;
                BytesRead += end - start;
                start = end;
            }
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
            if (read == 0)
            {
                eof = true;
            }
            end += read;
        }
    }

    /// <summary>The line read last; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Current { get; private set; }

    private ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> line)
    {
        var span = line.Span;
        // A byte order mark on the first line, and Windows line endings, are not part of the JSON.
        if (lineNumber == 1 && span.StartsWith("\uFEFF"u8))
        {
            line = line[3..];
        }
        if (line.Length > 0 && line.Span[^1] == (byte)'\r')
        {
            line = line[..^1];
        }
        return line;
    }
}
