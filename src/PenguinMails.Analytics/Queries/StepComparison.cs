using System.Globalization;

namespace PenguinMails.Analytics.Queries;

/// <summary>Adds rates with confidence intervals to step rows and compares the variants of each step number.</summary>
public static class StepComparison
{
    /// <summary>One variant against its step's control on one rate.</summary>
    public sealed record Comparison(
        int? StepNumber, string Metric, string Control, string Variant, double? ControlRate, double? VariantRate,
        double? Z, double? PValue, bool Significant, string Verdict);

    // The rates compared, each a share of delivered emails: replies first (what a sequence is for),
    // then people's replies and positive ones (DESIGN.md, "Metrics users can trust"), then opens.
    private static readonly (string Rate, string Counter)[] Metrics =
        [("reply_rate", "replied"), ("human_reply_rate", "replied_human"), ("positive_reply_rate", "replied_positive"), ("open_rate", "opened_tracked")];

    public static (ScopedRows Rows, List<Comparison> Comparisons) Compare(ScopedRows steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var column = steps.Columns.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index);
        long Value(object?[] row, string name) => Convert.ToInt64(row[column[name]], CultureInfo.InvariantCulture);
        string Variant(object?[] row) => row[column["variant"]]?.ToString() ?? row[column["step_id"]]!.ToString()!;

        var added = Metrics.SelectMany(m => new[] { m.Rate, m.Rate + "_ci_low", m.Rate + "_ci_high" }).ToArray();
        var rows = new List<object?[]>();
        foreach (var row in steps.Rows)
        {
            var delivered = Value(row, "delivered");
            var values = new List<object?>(row);
            foreach (var (rate, counter) in Metrics)
            {
                var interval = VariantStatistics.WilsonInterval(Value(row, counter), delivered);
                values.AddRange([Rate(Value(row, counter), delivered), interval?.Low, interval?.High]);
            }
            rows.Add([.. values]);
        }

        var comparisons = new List<Comparison>();
        foreach (var step in steps.Rows.GroupBy(r => r[column["step_number"]] is null ? (int?)null : Convert.ToInt32(r[column["step_number"]], CultureInfo.InvariantCulture)))
        {
            var variants = step.ToList();
            if (variants.Count < 2)
            {
                continue;
            }
            var control = variants.FirstOrDefault(v => Variant(v) == "A") ?? variants[0];
            foreach (var variant in variants.Where(v => !ReferenceEquals(v, control)))
            {
                foreach (var (metric, counter) in Metrics)
                {
                    long cs = Value(control, counter), cn = Value(control, "delivered"), vs = Value(variant, counter), vn = Value(variant, "delivered");
                    var test = VariantStatistics.TwoProportionTest(cs, cn, vs, vn);
                    var significant = test is { PValue: < 0.05 };
                    var verdict = test is null ? "not enough data"
                        : !significant ? "no significant difference"
                        : test.Value.Z > 0 ? $"{Variant(variant)} wins" : $"{Variant(control)} wins";
                    comparisons.Add(new Comparison(step.Key, metric, Variant(control), Variant(variant), Rate(cs, cn), Rate(vs, vn),
                        test?.Z, test?.PValue, significant, verdict));
                }
            }
        }
        return (new ScopedRows([.. steps.Columns, .. added], rows), comparisons);
    }

    private static double? Rate(long successes, long trials) => trials == 0 ? null : Math.Round(100.0 * successes / trials, 2);
}
