using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PenguinMails.Analytics.Exports;

/// <summary>
/// AES-256-GCM for export files at rest. .NET's <see cref="AesGcm"/> seals one buffer at a time,
/// so a file is a sequence of sealed chunks (the usual construction for streaming AEAD):
/// <c>"PMX1" | 8-byte random nonce prefix | chunks</c>, each chunk <c>4-byte length | ciphertext |
/// 16-byte tag</c>, sealed with nonce <c>prefix | chunk number</c> and the associated data
/// <c>chunk number | last-chunk flag</c>, so chunks cannot be reordered, dropped or truncated
/// without the tag check failing. Memory stays at one chunk whatever the file size.
/// </summary>
public sealed class ExportCipher
{
    /// <summary>Where <c>serve</c> and <c>export</c> read the key: base64 of exactly 32 bytes.</summary>
    public const string EnvironmentVariable = "PENGUIN_ANALYTICS_EXPORT_KEY";

    private const int ChunkSize = 64 * 1024;
    private const int TagSize = 16;
    private static readonly byte[] Magic = "PMX1"u8.ToArray();

    private readonly byte[] key;

    public ExportCipher(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != 32)
        {
            throw new AnalyticsException($"The export key must be 32 bytes (AES-256), got {key.Length}.");
        }
        this.key = (byte[])key.Clone();
    }

    /// <summary>The key from <see cref="EnvironmentVariable"/>, or null when it is not set.</summary>
    public static ExportCipher? FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            return new ExportCipher(Convert.FromBase64String(text.Trim()));
        }
        catch (FormatException)
        {
            throw new AnalyticsException($"{EnvironmentVariable} is not valid base64.");
        }
    }

    /// <summary>A stream that encrypts what is written to it into <paramref name="output"/>; dispose it to seal the last chunk.</summary>
    public Stream Encrypt(Stream output) => new EncryptingStream(output, key);

    /// <summary>Decrypts a file written by <see cref="Encrypt"/> into <paramref name="output"/>, checking every chunk.</summary>
    public async Task DecryptAsync(Stream input, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var header = new byte[Magic.Length + 8];
        await input.ReadExactlyAsync(header, cancellationToken);
        if (!header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new AnalyticsException("The export file is not an encrypted export (bad header).");
        }
        using var aes = new AesGcm(key, TagSize);
        var length = new byte[4];
        var cipher = new byte[ChunkSize];
        var plain = new byte[ChunkSize];
        var tag = new byte[TagSize];
        uint number = 0;
        while (true)
        {
            await input.ReadExactlyAsync(length, cancellationToken);
            var size = BinaryPrimitives.ReadInt32BigEndian(length);
            var last = (size & int.MinValue) != 0;
            size &= int.MaxValue;
            if (size > ChunkSize)
            {
                throw new AnalyticsException("The export file is damaged (a chunk is too long).");
            }
            await input.ReadExactlyAsync(cipher.AsMemory(0, size), cancellationToken);
            await input.ReadExactlyAsync(tag, cancellationToken);
            try
            {
                aes.Decrypt(Nonce(header, number), cipher.AsSpan(0, size), tag, plain.AsSpan(0, size), Associated(number, last));
            }
            catch (AuthenticationTagMismatchException e)
            {
                throw new AnalyticsException("The export file does not decrypt: it was changed or the key is not the one it was written with.", e);
            }
            await output.WriteAsync(plain.AsMemory(0, size), cancellationToken);
            if (last)
            {
                return;
            }
            number++;
        }
    }

    /// <summary>Seals a short secret (a PDF password waiting for its job) as base64.</summary>
    public string Seal(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[12 + plain.Length + TagSize];
        RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, 12));
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(sealedBytes.AsSpan(0, 12), plain, sealedBytes.AsSpan(12, plain.Length), sealedBytes.AsSpan(12 + plain.Length));
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>Opens what <see cref="Seal"/> sealed.</summary>
    public string Unseal(string sealedText)
    {
        var sealedBytes = Convert.FromBase64String(sealedText);
        var plain = new byte[sealedBytes.Length - 12 - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(12, plain.Length), sealedBytes.AsSpan(12 + plain.Length), plain);
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Nonce(byte[] header, uint number)
    {
        var nonce = new byte[12];
        header.AsSpan(Magic.Length, 8).CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(8), number);
        return nonce;
    }

    private static byte[] Associated(uint number, bool last)
    {
        var data = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(data, number);
        data[4] = last ? (byte)1 : (byte)0;
        return data;
    }

    private sealed class EncryptingStream : Stream
    {
        private readonly Stream output;
        private readonly AesGcm aes;
        private readonly byte[] header = new byte[Magic.Length + 8];
        private readonly byte[] buffer = new byte[ChunkSize];
        private readonly byte[] cipher = new byte[ChunkSize];
        private readonly byte[] tag = new byte[TagSize];
        private int filled;
        private uint number;
        private bool headerWritten;
        private bool closed;

        public EncryptingStream(Stream output, byte[] key)
        {
            this.output = output;
            aes = new AesGcm(key, TagSize);
            Magic.CopyTo(header, 0);
            RandomNumberGenerator.Fill(header.AsSpan(Magic.Length));
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => !closed;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> data)
        {
            while (data.Length > 0)
            {
                if (filled == ChunkSize)
                {
                    Seal(last: false);
                }
                var take = Math.Min(ChunkSize - filled, data.Length);
                data[..take].CopyTo(buffer.AsSpan(filled));
                filled += take;
                data = data[take..];
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush() => output.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !closed)
            {
                Seal(last: true);
                output.Flush();
                closed = true;
                aes.Dispose();
            }
            base.Dispose(disposing);
        }

        private void Seal(bool last)
        {
            if (!headerWritten)
            {
                output.Write(header);
                headerWritten = true;
            }
            aes.Encrypt(Nonce(header, number), buffer.AsSpan(0, filled), cipher.AsSpan(0, filled), tag, Associated(number, last));
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, filled | (last ? int.MinValue : 0));
            output.Write(length);
            output.Write(cipher.AsSpan(0, filled));
            output.Write(tag);
            filled = 0;
            number++;
        }
    }
}
