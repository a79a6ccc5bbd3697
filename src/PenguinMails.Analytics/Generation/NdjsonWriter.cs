using System.Buffers.Text;

namespace PenguinMails.Analytics.Generation;

/// <summary>
/// A small, allocation-free NDJSON writer for the generator: values are identifiers, names,
/// numbers and timestamps without quotes, backslashes or control characters, so no escaping is
/// needed and bytes go straight into one buffer (names may be any Unicode: UTF-8).
/// (Utf8JsonWriter is general and about three times slower for this shape of output.)
/// </summary>
internal sealed class NdjsonWriter(Stream output) : IAsyncDisposable
{
    private readonly byte[] buffer = new byte[1 << 20];
    private int length;
    private bool first;

    public long Lines { get; private set; }

    public NdjsonWriter Begin(string type)
    {
        EnsureSpace();
        first = true;
        Put((byte)'{');
        return Str("type", type);
    }

    public NdjsonWriter Str(string name, string value)
    {
        Name(name);
        Put((byte)'"');
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] >= 0x80)
            {
                length += System.Text.Encoding.UTF8.GetBytes(value.AsSpan(i), buffer.AsSpan(length));
                break;
            }
            Put((byte)value[i]);
        }
        Put((byte)'"');
        return this;
    }

    public NdjsonWriter Int(string name, long value)
    {
        Name(name);
        Utf8Formatter.TryFormat(value, buffer.AsSpan(length), out var written);
        length += written;
        return this;
    }

    public NdjsonWriter Bool(string name, bool value)
    {
        Name(name);
        foreach (var b in value ? "true"u8 : "false"u8)
        {
            Put(b);
        }
        return this;
    }

    /// <summary>An RFC 3339 UTC timestamp with second precision: <c>2026-03-04T05:06:07Z</c>.</summary>
    public NdjsonWriter Time(string name, DateTime utc)
    {
        Name(name);
        Put((byte)'"');
        Digits(utc.Year, 4);
        Put((byte)'-');
        Digits(utc.Month, 2);
        Put((byte)'-');
        Digits(utc.Day, 2);
        Put((byte)'T');
        Digits(utc.Hour, 2);
        Put((byte)':');
        Digits(utc.Minute, 2);
        Put((byte)':');
        Digits(utc.Second, 2);
        Put((byte)'Z');
        Put((byte)'"');
        return this;
    }

    public async ValueTask EndAsync(CancellationToken cancellationToken)
    {
        Put((byte)'}');
        Put((byte)'\n');
        Lines++;
        if (length > buffer.Length - 64 * 1024)
        {
            await FlushAsync(cancellationToken);
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await output.WriteAsync(buffer.AsMemory(0, length), cancellationToken);
        length = 0;
    }

    public async ValueTask DisposeAsync() => await FlushAsync(CancellationToken.None);

    private void Name(string name)
    {
        if (!first)
        {
            Put((byte)',');
        }
        first = false;
        Put((byte)'"');
        foreach (var c in name)
        {
            Put((byte)c);
        }
        Put((byte)'"');
        Put((byte)':');
    }

    private void Digits(int value, int width)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            buffer[length + i] = (byte)('0' + value % 10);
            value /= 10;
        }
        length += width;
    }

    private void Put(byte b) => buffer[length++] = b;

    private void EnsureSpace()
    {
        if (length > buffer.Length - 64 * 1024)
        {
            // EndAsync flushes; a line never comes near 64 KiB.
            throw new InvalidOperationException("The writer was not flushed.");
        }
    }
}
