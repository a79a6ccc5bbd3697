namespace PenguinMails.Analytics.Queries;

/// <summary>
/// Confidence intervals and significance for A/B variants of a sequence step. Rates are
/// proportions of delivered emails (opens, replies). The interval is Wilson's score interval at
/// 95 % (sound for small counts and rates near 0, unlike the normal approximation); the test
/// between two variants is the two-proportion z-test with a pooled proportion, two-sided.
/// </summary>
public static class VariantStatistics
{
    private const double Z95 = 1.959963984540054;

    /// <summary>Wilson's 95 % interval for <paramref name="successes"/> of <paramref name="trials"/>, in percent; null without trials.</summary>
    public static (double Low, double High)? WilsonInterval(long successes, long trials)
    {
        if (trials <= 0)
        {
            return null;
        }
        double n = trials, p = (double)successes / trials, z2 = Z95 * Z95;
        var center = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = Z95 * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return (Math.Round(100 * Math.Max(0, center - half), 2), Math.Round(100 * Math.Min(1, center + half), 2));
    }

    /// <summary>The two-sided p-value of the pooled two-proportion z-test; null when it is undefined.</summary>
    public static (double Z, double PValue)? TwoProportionTest(long successesA, long trialsA, long successesB, long trialsB)
    {
        if (trialsA <= 0 || trialsB <= 0)
        {
            return null;
        }
        var pooled = (double)(successesA + successesB) / (trialsA + trialsB);
        var standardError = Math.Sqrt(pooled * (1 - pooled) * (1.0 / trialsA + 1.0 / trialsB));
        if (standardError == 0)
        {
            return null;
        }
        var z = ((double)successesB / trialsB - (double)successesA / trialsA) / standardError;
        return (Math.Round(z, 4), Math.Round(Erfc(Math.Abs(z) / Math.Sqrt(2)), 6));
    }

    // Complementary error function (Numerical Recipes' erfcc, fractional error below 1.2e-7).
    private static double Erfc(double x)
    {
        var t = 1.0 / (1.0 + 0.5 * Math.Abs(x));
        var r = t * Math.Exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
