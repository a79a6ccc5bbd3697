using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Tests.Queries;

public sealed class VariantStatisticsTests
{
    [Fact]
    public void wilson_interval_matches_the_textbook_values()
    {
        Assert.Equal((5.52, 17.44), VariantStatistics.WilsonInterval(10, 100));
        Assert.Equal((0.0, 16.11), VariantStatistics.WilsonInterval(0, 20)); // z² / (n + z²): never 0 wide at 0 successes, unlike the normal approximation
        Assert.Null(VariantStatistics.WilsonInterval(0, 0));
    }

    [Fact]
    public void the_two_proportion_test_gives_z_and_a_two_sided_p_value()
    {
        var test = VariantStatistics.TwoProportionTest(10, 100, 20, 100);

        Assert.NotNull(test);
        Assert.Equal(1.9803, test.Value.Z, 4);
        Assert.Equal(0.0477, test.Value.PValue, 4);
        Assert.Equal(-test.Value.Z, VariantStatistics.TwoProportionTest(20, 100, 10, 100)!.Value.Z);
        Assert.Equal(1.0, VariantStatistics.TwoProportionTest(10, 100, 10, 100)!.Value.PValue, 6);
        Assert.Null(VariantStatistics.TwoProportionTest(0, 100, 0, 100)); // no variance: no test
    }
}
