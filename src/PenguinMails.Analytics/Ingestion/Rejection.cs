namespace PenguinMails.Analytics.Ingestion;

/// <summary>One rejected input line: where it was, which field, and why.</summary>
/// <param name="Line">The 1-based line number in the input.</param>
/// <param name="Field">The field at fault, or <c>(line)</c> when the line as a whole is.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record Rejection(long Line, string Field, string Reason)
{
    /// <summary>The field name used when the whole line is at fault (broken JSON, too long).</summary>
    public const string WholeLine = "(line)";

    /// <inheritdoc />
    public override string ToString() => $"line {Line}: {Field}: {Reason}";
}
