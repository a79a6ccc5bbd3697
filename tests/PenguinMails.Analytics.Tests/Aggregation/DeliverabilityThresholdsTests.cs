using PenguinMails.Analytics.Aggregation;

namespace PenguinMails.Analytics.Tests.Aggregation;

public sealed class DeliverabilityThresholdsTests
{
    [Fact]
    public void the_defaults_are_the_issues_and_the_environment_overrides_them()
    {
        var defaults = DeliverabilityThresholds.FromEnvironment(_ => null);
        Assert.Equal((5.0, 0.3, 50, 30), (defaults.BounceRatePercent, defaults.ComplaintRatePercent, defaults.MinimumSends, defaults.WindowDays));

        var set = new Dictionary<string, string>
        {
            [DeliverabilityThresholds.BounceVariable] = "2.5", [DeliverabilityThresholds.ComplaintVariable] = "0.1",
            [DeliverabilityThresholds.MinimumSendsVariable] = "200", [DeliverabilityThresholds.WindowVariable] = "7",
        };
        var custom = DeliverabilityThresholds.FromEnvironment(name => set.GetValueOrDefault(name));
        Assert.Equal((2.5, 0.1, 200, 7), (custom.BounceRatePercent, custom.ComplaintRatePercent, custom.MinimumSends, custom.WindowDays));
    }

    [Theory]
    [InlineData(DeliverabilityThresholds.BounceVariable, "five", "must be a percentage")]
    [InlineData(DeliverabilityThresholds.ComplaintVariable, "0", "must be a percentage")]
    [InlineData(DeliverabilityThresholds.MinimumSendsVariable, "-3", "must be a whole number above 0")]
    [InlineData(DeliverabilityThresholds.WindowVariable, "1.5", "must be a whole number above 0")]
    public void a_bad_value_is_refused_by_name(string variable, string value, string message)
    {
        var error = Assert.Throws<AnalyticsException>(() => DeliverabilityThresholds.FromEnvironment(name => name == variable ? value : null));
        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
