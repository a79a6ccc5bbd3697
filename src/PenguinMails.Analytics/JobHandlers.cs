using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Exports;
using PenguinMails.Analytics.Jobs;
using PenguinMails.Analytics.Maintenance;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics;

/// <summary>
/// The handler of every job type the product queues, for a <see cref="JobRunner"/>: the one list
/// a worker registers (serve's worker, <c>aggregate</c>, the demo), so that Jobs knows none of
/// the capabilities it runs.
/// </summary>
public static class JobHandlers
{
    /// <summary>Every handler; without <paramref name="exports"/>, <c>export</c> jobs fail with a clear message.</summary>
    public static IReadOnlyList<IJobHandler> All(AnalyticsDatabase database, Aggregator aggregator, ExportService? exports = null) =>
    [
        new FoldJobHandler(aggregator),
        new RecomputeJobHandler(database, aggregator),
        new MaintenanceJobHandler(database),
        new ExportJobHandler(exports),
    ];
}
