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

    /// <summary>Every text filter's name.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["company_id", "campaign_id", "mailbox_id", "search", "entity", "id", "admin_user_id", "action", "resource_type", "event_type", "severity"];

    /// <summary>What a text filter does, in one sentence (the OpenAPI document, the CLI's help).</summary>
    public static string Description(string name) => name switch
    {
        "company_id" => "Only this company's.",
        "campaign_id" => "The campaign.",
        "mailbox_id" => "Only this mailbox.",
        "search" => $"Only leads whose id or address contains this (case-insensitive, at most {MaxSearchLength} characters).",
        "entity" => "What the series is of: campaign, step, mailbox or tenant.",
        "id" => "The entity's id (optional for entity=tenant: the caller's tenant, every tenant for the platform admin).",
        "admin_user_id" => "Only this admin's actions.",
        "action" => "Only this action.",
        "resource_type" => "Only actions on this resource type.",
        "event_type" => "Only events of this type.",
        "severity" => "Only events of this severity.",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a report filter"),
    };

    /// <summary>A text filter by its name (see <see cref="Names"/>).</summary>
    public string? this[string name] => name switch
    {
        "company_id" => CompanyId,
        "campaign_id" => CampaignId,
        "mailbox_id" => MailboxId,
        "search" => Search,
        "entity" => Entity,
        "id" => Id,
        "admin_user_id" => AdminUserId,
        "action" => Action,
        "resource_type" => ResourceType,
        "event_type" => EventType,
        "severity" => Severity,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a report filter"),
    };

    /// <summary>This filter with one text filter set by its name; blank is no filter.</summary>
    public ReportFilter With(string name, string? value)
    {
        value = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        return name switch
        {
            "company_id" => this with { CompanyId = value },
            "campaign_id" => this with { CampaignId = value },
            "mailbox_id" => this with { MailboxId = value },
            "search" => this with { Search = value },
            "entity" => this with { Entity = value },
            "id" => this with { Id = value },
            "admin_user_id" => this with { AdminUserId = value },
            "action" => this with { Action = value },
            "resource_type" => this with { ResourceType = value },
            "event_type" => this with { EventType = value },
            "severity" => this with { Severity = value },
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a report filter"),
        };
    }
}

/// <summary>One page of a paged read.</summary>
public readonly record struct Page(int Limit, int Offset);
