using System.Security.Cryptography;
using System.Text;

namespace PenguinMails.Analytics.Compliance;

/// <summary>
/// The secret behind GDPR pseudonyms: <c>anon_</c> and the first 24 hex digits of
/// HMAC-SHA256(key, kind:value). The same key always gives the same pseudonym (so references stay
/// joined); without the key a pseudonym cannot be traced back, not even by hashing guesses. The
/// database computes the same HMAC from the key's pads (<see cref="InnerPad"/>, <see cref="OuterPad"/>);
/// the key itself is never stored there.
/// </summary>
public sealed class PseudonymKey
{
    /// <summary>Where <c>serve</c> and <c>anonymize</c> read the key: base64 of at least 32 bytes.</summary>
    public const string EnvironmentVariable = "PENGUIN_ANALYTICS_PSEUDONYM_KEY";

    private const int BlockSize = 64;

    private readonly byte[] key;

    public PseudonymKey(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new AnalyticsException($"The pseudonym key must have at least 32 bytes (256 bits), got {key.Length}.");
        }
        this.key = key.Length > BlockSize ? SHA256.HashData(key) : (byte[])key.Clone();
        var padded = new byte[BlockSize];
        this.key.CopyTo(padded, 0);
        InnerPad = padded.Select(b => (byte)(b ^ 0x36)).ToArray();
        OuterPad = padded.Select(b => (byte)(b ^ 0x5c)).ToArray();
    }

    /// <summary>HMAC's inner pad (key XOR 0x36, one SHA-256 block).</summary>
    public byte[] InnerPad { get; }

    /// <summary>HMAC's outer pad (key XOR 0x5c).</summary>
    public byte[] OuterPad { get; }

    /// <summary>The key from <see cref="EnvironmentVariable"/>, or a clear error saying how to set it.</summary>
    public static PseudonymKey FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new AnalyticsException(
                $"Set {EnvironmentVariable} to a secret of at least 32 bytes in base64 (for example: openssl rand -base64 32); "
                + "pseudonyms depend on it, so keep it and use the same one every time.");
        }
        try
        {
            return new PseudonymKey(Convert.FromBase64String(text.Trim()));
        }
        catch (FormatException)
        {
            throw new AnalyticsException($"{EnvironmentVariable} is not valid base64.");
        }
    }

    /// <summary>The pseudonym of an identifier of a kind (tenant, company, campaign, step, mailbox, lead, email, event, subscription).</summary>
    public string Pseudonym(string kind, string value) =>
        "anon_" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{kind}:{value}")))[..24];
}
