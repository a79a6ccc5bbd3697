namespace PenguinMails.Analytics.Queries;

/// <summary>
/// The filters of a read, by the names the API takes as query parameters, exports take in their
/// request and the CLI takes as flags: a date range (<c>to</c> exclusive) and optional text
/// filters. A report binds the ones it uses (<see cref="Report.Filters"/>) to its SQL file's
/// parameters. Stored with an export as JSON (snake_case), so old exports read back as written.
/// </summary>
public sealed record ReportFilter(DateOnly From, DateOnly To)
{
    /// <summary>The longest <c>search</c> accepted.</summary>
    public const int MaxSearchLength = 200;

    public string? CompanyId { get; init; }

    public string? CampaignId { get; init; }

    public string? MailboxId { get; init; }

    /// <summary>Part of a lead's id or address (leads), case-insensitive.</summary>
    public string? Search { get; init; }

    /// <summary>What a time series is of: campaign, step, mailbox or tenant.</summary>
    public string? Entity { get; init; }

    /// <summary>The time series entity's id.</summary>
    public string? Id { get; init; }

    public string? AdminUserId { get; init; }

    public string? Action { get; init; }

    public string? ResourceType { get; init; }

    public string? EventType { get; init; }

    public string? Severity { get; init; }

    // Every text filter once: its name, how it is read and set, and what it does (the OpenAPI
    // document, the CLI's help). Names, the indexer, With and Description all come from here.
    private static readonly (string Name, Func<ReportFilter, string?> Get, Func<ReportFilter, string?, ReportFilter> Set, string Description)[] Fields =
    [
        ("company_id", f => f.CompanyId, (f, v) => f with { CompanyId = v }, "Only this company's."),
        ("campaign_id", f => f.CampaignId, (f, v) => f with { CampaignId = v }, "The campaign."),
        ("mailbox_id", f => f.MailboxId, (f, v) => f with { MailboxId = v }, "Only this mailbox."),
        ("search", f => f.Search, (f, v) => f with { Search = v },
            $"Only leads whose id or address contains this (case-insensitive, at most {MaxSearchLength} characters)."),
        ("entity", f => f.Entity, (f, v) => f with { Entity = v }, "What the series is of: campaign, step, mailbox or tenant."),
        ("id", f => f.Id, (f, v) => f with { Id = v }, "The entity's id (optional for entity=tenant: the caller's tenant, every tenant for the platform admin)."),
        ("admin_user_id", f => f.AdminUserId, (f, v) => f with { AdminUserId = v }, "Only this admin's actions."),
        ("action", f => f.Action, (f, v) => f with { Action = v }, "Only this action."),
        ("resource_type", f => f.ResourceType, (f, v) => f with { ResourceType = v }, "Only actions on this resource type."),
        ("event_type", f => f.EventType, (f, v) => f with { EventType = v }, "Only events of this type."),
        ("severity", f => f.Severity, (f, v) => f with { Severity = v }, "Only events of this severity."),
    ];

    /// <summary>Every text filter's name.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Fields.Select(f => f.Name)];

    /// <summary>What a text filter does, in one sentence (the OpenAPI document, the CLI's help).</summary>
    public static string Description(string name) => Field(name).Description;

    /// <summary>A text filter by its name (see <see cref="Names"/>).</summary>
    public string? this[string name] => Field(name).Get(this);

    /// <summary>This filter with one text filter set by its name; blank is no filter.</summary>
    public ReportFilter With(string name, string? value) =>
        Field(name).Set(this, string.IsNullOrWhiteSpace(value) ? null : value.Trim());

    private static (string Name, Func<ReportFilter, string?> Get, Func<ReportFilter, string?, ReportFilter> Set, string Description) Field(string name) =>
        Array.Find(Fields, f => f.Name == name) is { Name: not null } field
            ? field
            : throw new ArgumentOutOfRangeException(nameof(name), name, "not a report filter");
}

/// <summary>One page of a paged read.</summary>
public readonly record struct Page(int Limit, int Offset);
