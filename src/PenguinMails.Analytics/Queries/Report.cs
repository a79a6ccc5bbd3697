using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Queries;

/// <summary>
/// One read of the product (KurrentDB's <c>CategorySql</c> pattern): its SQL file under
/// <c>Queries/Sql</c>, the filters it takes and how they bind to the file's parameters (<c>$1</c>
/// is always the scope's tenant filter; a paged read's last two are the limit and offset), who may
/// run it and which table its reads are audited as. The API, the CLI's <c>report</c> and exports
/// all run a read through its <see cref="Report"/> (<see cref="Reports"/> lists them); adding a
/// report is one entry there and one <c>.sql</c> file.
/// </summary>
public sealed class Report
{
    private readonly Func<ReportFilter, object?[]> bind;
    private readonly Func<string, ReportFilter, string>? fill;

    internal Report(string name, string sqlFile, Func<ReportFilter, object?[]> bind, Func<string, ReportFilter, string>? fill = null)
    {
        Name = name;
        SqlFile = sqlFile;
        this.bind = bind;
        this.fill = fill;
    }

    /// <summary>How the report is addressed: the export's <c>report</c>, the CLI's <c>report NAME</c>.</summary>
    public string Name { get; }

    /// <summary>The SQL file (without <c>.sql</c>) under <c>Queries/Sql/*</c>.</summary>
    public string SqlFile { get; }

    /// <summary>What it shows, in one sentence (the CLI's help, the OpenAPI summary).</summary>
    public string Summary { get; init; } = "";

    /// <summary>The text filters it takes (names of <see cref="ReportFilter.Names"/>).</summary>
    public IReadOnlyList<string> Filters { get; init; } = [];

    /// <summary>The filters it cannot run without.</summary>
    public IReadOnlyList<string> Required { get; init; } = [];

    /// <summary>Whether it returns one page at a time (limit and offset).</summary>
    public bool Paged { get; init; } = true;

    /// <summary>Whether it reads a date range (<c>from</c>, <c>to</c>); the tenant list does not.</summary>
    public bool Ranged { get; init; } = true;

    /// <summary>For the platform admin only.</summary>
    public bool AdminOnly { get; init; }

    /// <summary>Meant across every tenant as well as for one (usage, the tenant list, the admin's reads): the CLI runs it without <c>--tenant</c>.</summary>
    public bool PlatformWide { get; init; }

    /// <summary>The range without <c>from</c>: this many days before <c>to</c>.</summary>
    public int DefaultDays { get; init; } = 30;

    /// <summary>The table a read of it is audited as (<c>analytics_access_audit.table_accessed</c>).</summary>
    public Func<ReportFilter, string> Audits { get; init; } = _ => "";

    /// <summary>The entity the read is about, which the caller must be able to see (else 404), or null.</summary>
    public Func<ReportFilter, (string Kind, string Id)?> Subject { get; init; } = _ => null;

    /// <summary>The report's own checks beyond required filters (a series' entity).</summary>
    internal Func<ReportFilter, bool, string?>? Check { get; init; }

    /// <summary>What is wrong with <paramref name="filter"/> for this report (for the platform admin or not), or null.</summary>
    public string? Problem(ReportFilter filter, bool platformAdmin)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (Ranged && filter.From >= filter.To)
        {
            return $"from ({filter.From:yyyy-MM-dd}) must be before to ({filter.To:yyyy-MM-dd}); to is exclusive";
        }
        if (Required.FirstOrDefault(name => filter[name] is null) is { } missing)
        {
            return $"The {Name} report needs {missing}.";
        }
        if (filter.Search is { Length: > ReportFilter.MaxSearchLength })
        {
            return $"search must be at most {ReportFilter.MaxSearchLength} characters";
        }
        return Check?.Invoke(filter, platformAdmin);
    }

    /// <summary>The SQL to run for <paramref name="filter"/> (a template's placeholders filled from fixed lists, never from input).</summary>
    public string Sql(SqlScripts scripts, ReportFilter filter)
    {
        ArgumentNullException.ThrowIfNull(scripts);
        var text = scripts.Get("Queries/Sql", SqlFile + ".sql");
        return fill is null ? text : fill(text, filter);
    }

    /// <summary>The SQL file's parameters after <c>$1</c>: the filters, then the page of a paged report.</summary>
    public object?[] Arguments(ReportFilter filter, Page page) =>
        Paged ? [.. bind(filter), page.Limit, page.Offset] : bind(filter);

    public override string ToString() => Name;
}
