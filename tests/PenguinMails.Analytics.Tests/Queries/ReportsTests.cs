using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Tests.Queries;

public sealed class ReportsTests
{
    private static readonly ReportFilter March = new(new DateOnly(2026, 3, 1), new DateOnly(2026, 4, 1));

    [Fact]
    public void every_report_has_its_sql_on_both_engines_and_binds_one_argument_per_parameter_after_the_tenant()
    {
        var reads = Reports.All.Concat([Reports.EntityVisible, Reports.CampaignOnly]).ToList();
        foreach (var engine in new[] { StorageEngine.DuckDb, StorageEngine.Postgres })
        {
            var scripts = new SqlScripts(engine);
            foreach (var report in reads)
            {
                var filter = March with { Entity = "campaign", Id = "k1", CampaignId = "k1" };
                var sql = report.Sql(scripts, filter);
                var highest = System.Text.RegularExpressions.Regex.Matches(sql, @"\$(\d+)").Max(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                Assert.True(highest == report.Arguments(filter, new Page(10, 0)).Length + 1, $"{report.Name} on {engine}: ${highest} in its SQL");
            }
        }
    }

    [Fact]
    public void report_names_are_unique_and_their_filters_are_known()
    {
        Assert.Equal(Reports.Names.Count, Reports.Names.Distinct().Count());
        Assert.All(Reports.All, r => Assert.Empty(r.Filters.Concat(r.Required).Except(ReportFilter.Names)));
        Assert.All(Reports.All, r => Assert.Empty(r.Required.Except(r.Filters)));
        Assert.Equal("Unknown report 'gossip': use one of campaigns, steps, mailboxes, leads, warmup, usage, alerts, timeseries, send-times, tenants, admin-activity, audit-logs, system-events.",
            Assert.Throws<AnalyticsException>(() => Reports.Find("gossip")).Message);
    }

    [Fact]
    public void a_report_says_exactly_what_is_wrong_with_a_filter()
    {
        Assert.Equal("from (2026-04-01) must be before to (2026-03-01); to is exclusive",
            Reports.Campaigns.Problem(new ReportFilter(March.To, March.From), platformAdmin: false));
        Assert.Equal("The leads report needs campaign_id.", Reports.Leads.Problem(March, platformAdmin: false));
        Assert.Equal("search must be at most 200 characters", Reports.Leads.Problem(March with { CampaignId = "k1", Search = new string('x', 201) }, false));
        Assert.Null(Reports.Leads.Problem(March with { CampaignId = "k1", Search = new string('x', 200) }, false));
        Assert.Equal("entity must be one of campaign, step, mailbox, tenant", Reports.Timeseries.Problem(March with { Entity = "planet", Id = "x" }, false));
        Assert.Equal("The timeseries report needs id.", Reports.Timeseries.Problem(March with { Entity = "tenant" }, platformAdmin: false));
        Assert.Null(Reports.Timeseries.Problem(March with { Entity = "tenant" }, platformAdmin: true)); // every tenant summed per day
        Assert.Null(Reports.Tenants.Problem(new ReportFilter(default, default), false)); // no date range
    }

    [Fact]
    public void filters_bind_by_name_and_blank_is_no_filter()
    {
        var filter = ReportFilter.Names.Aggregate(March, (f, name) => f.With(name, $" {name} "));
        Assert.All(ReportFilter.Names, name => Assert.Equal(name, filter[name]));
        Assert.Null(filter.With("search", "   ").Search);
        Assert.Equal([March.From, March.To, "company_id", "mailbox_id", 50, 100], Reports.Mailboxes.Arguments(filter, new Page(50, 100)));
        Assert.Equal([March.From, March.To, "campaign_id"], Reports.Steps.Arguments(filter, new Page(50, 100))); // not paged
        Assert.Equal(("mailbox", "mailbox_id"), Reports.Mailboxes.Subject(filter));
        Assert.Null(Reports.Mailboxes.Subject(March));
        Assert.Equal("daily_step_stats", Reports.Timeseries.Audits(March with { Entity = "step" }));
    }
}
