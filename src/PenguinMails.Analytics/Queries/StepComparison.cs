using System.Globalization;

namespace PenguinMails.Analytics.Queries;

/// <summary>Adds rates with confidence intervals to step rows and compares the variants of each step number.</summary>
public static class StepComparison
{
    /// <summary>One variant against its step's control on one rate.</summary>
    public sealed record Comparison(
        int? StepNumber, string Metric, string Control, string Variant, double? ControlRate, double? VariantRate,
        double? Z, double? PValue, bool Significant, string Verdict);

    public static (ScopedRows Rows, List<Comparison> Comparisons) Compare(ScopedRows steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var column = steps.Columns.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index);
        long Value(object?[] row, string name) => Convert.ToInt64(row[column[name]], CultureInfo.InvariantCulture);
        string Variant(object?[] row) => row[column["variant"]]?.ToString() ?? row[column["step_id"]]!.ToString()!;

        string[] added = ["open_rate", "open_rate_ci_low", "open_rate_ci_high", "reply_rate", "reply_rate_ci_low", "reply_rate_ci_high"];
        var rows = new List<object?[]>();
        foreach (var row in steps.Rows)
        {
            var delivered = Value(row, "delivered");
            var open = VariantStatistics.WilsonInterval(Value(row, "opened_tracked"), delivered);
            var reply = VariantStatistics.WilsonInterval(Value(row, "replied"), delivered);
            rows.Add([.. row, Rate(Value(row, "opened_tracked"), delivered), open?.Low, open?.High, Rate(Value(row, "replied"), delivered), reply?.Low, reply?.High]);
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
                foreach (var (metric, counter) in new[] { ("reply_rate", "replied"), ("open_rate", "opened_tracked") })
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
