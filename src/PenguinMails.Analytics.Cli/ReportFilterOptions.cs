using System.CommandLine;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Cli;

/// <summary>
/// The report filters (<see cref="ReportFilter.Names"/>) as flags, one per filter: <c>company_id</c>
/// is <c>--company</c>, <c>admin_user_id</c> is <c>--admin-user</c>, the others their name with
/// dashes. Shared by <c>report</c> and <c>export create</c>, so both take every report's filters.
/// </summary>
public sealed class ReportFilterOptions
{
    private readonly List<(string Name, Option<string?> Option)> options = [.. ReportFilter.Names.Select(name =>
        (name, new Option<string?>(Flag(name)) { Description = ReportFilter.Description(name) }))];

    /// <summary>The options, to add to a command.</summary>
    public IEnumerable<Option> All => options.Select(o => o.Option);

    /// <summary>The flag of a filter.</summary>
    public static string Flag(string name) => "--" + (name.EndsWith("_id", StringComparison.Ordinal) && name != "id" ? name[..^3] : name).Replace('_', '-');

    /// <summary>The filter with the date range and every filter flag given.</summary>
    public ReportFilter Bind(ParseResult parse, DateOnly from, DateOnly to)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return options.Aggregate(new ReportFilter(from, to), (filter, o) => filter.With(o.Name, parse.GetValue(o.Option)));
    }
}
