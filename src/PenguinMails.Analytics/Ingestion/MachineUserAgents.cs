using System.Buffers;

namespace PenguinMails.Analytics.Ingestion;

/// <summary>
/// The user agents of machines that open and click on a reader's behalf before (or instead of) the
/// reader: mail security gateways that follow every link, link checkers and previewers, headless
/// browsers and HTTP libraries, and image proxies that fetch a message's images when it arrives.
/// Used only when an <c>email.opened</c> or <c>email.clicked</c> carries no <c>machine</c> flag (the
/// sender's flag always wins). Gmail's image proxy (<c>GoogleImageProxy</c>) is not here: it fetches
/// when the reader opens the message, so its opens are a person's. Apple Mail Privacy Protection
/// shows an ordinary browser's user agent; the fold's timing rule (an open or click less than 60
/// seconds after the email was sent) catches it. The list is in README.md, "Human and machine".
/// </summary>
internal static class MachineUserAgents
{
    // One search for every marker at once (a third of a workload's lines are opens and clicks).
    private static readonly SearchValues<string> Markers = SearchValues.Create(
    [
        // Mail security gateways and link scanners.
        "barracuda", "mimecast", "proofpoint", "ironport", "forcepoint", "fireeye", "trendmicro", "symantec",
        "safelinks", "microsoft office protocol discovery",
        // Image proxies that prefetch.
        "yahoomailproxy",
        // Crawlers, previewers, headless browsers and HTTP libraries.
        "bot", "crawler", "spider", "preview", "headlesschrome", "phantomjs", "python-requests", "python-urllib",
        "curl/", "wget/", "go-http-client", "java/", "okhttp", "axios/", "node-fetch", "libwww-perl",
    ], StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="userAgent"/> names a known machine (case-insensitive).</summary>
    public static bool IsMachine(string? userAgent) => userAgent is not null && IsMachine(userAgent.AsSpan());

    /// <inheritdoc cref="IsMachine(string?)"/>
    public static bool IsMachine(ReadOnlySpan<char> userAgent) => userAgent.ContainsAny(Markers);
}
