namespace PenguinMails.Analytics;

/// <summary>
/// An error whose message is meant for the person running the product: it says what went wrong
/// and what to do, and callers print it without a stack trace.
/// </summary>
public class AnalyticsException : Exception
{
    /// <summary>Creates an error with a message for people.</summary>
    public AnalyticsException(string message) : base(message) { }

    /// <summary>Creates an error with a message for people and the exception that caused it.</summary>
    public AnalyticsException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates an error with a default message.</summary>
    public AnalyticsException() : base("The analytics operation failed.") { }
}
