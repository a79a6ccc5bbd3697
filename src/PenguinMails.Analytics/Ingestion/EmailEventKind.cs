namespace PenguinMails.Analytics.Ingestion;

/// <summary>
/// What happened to an email, as stored in <c>pending_events.kind</c>. The numbers are part of the
/// storage format: never renumber.
/// </summary>
public enum EmailEventKind : short
{
    /// <summary>email.sent: creates the email's row in the raw store.</summary>
    Sent = 0,
    /// <summary>email.delivered</summary>
    Delivered = 1,
    /// <summary>email.opened</summary>
    Opened = 2,
    /// <summary>email.clicked</summary>
    Clicked = 3,
    /// <summary>email.replied</summary>
    Replied = 4,
    /// <summary>email.bounced (with bounce_type hard or soft)</summary>
    Bounced = 5,
    /// <summary>email.unsubscribed</summary>
    Unsubscribed = 6,
    /// <summary>email.spam_complaint</summary>
    SpamComplaint = 7,
    /// <summary>mailbox.health: a health snapshot from the sending side.</summary>
    MailboxHealth = 8,
    /// <summary>email.reply_categorized: what a reply says (interested, meeting booked, ...), decided later.</summary>
    ReplyCategorized = 9,
}
