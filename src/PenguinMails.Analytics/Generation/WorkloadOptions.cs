namespace PenguinMails.Analytics.Generation;

/// <summary>The shape of a synthetic workload. The same options and seed always give the same file.</summary>
public sealed class WorkloadOptions
{
    /// <summary>Tenants (each with one to three companies).</summary>
    public int Tenants { get; set; } = 3;

    /// <summary>Campaign emails in total (warmup traffic comes on top, about a tenth of this).</summary>
    public long Emails { get; set; } = 10_000;

    /// <summary>Roughly how many emails each campaign sends (a company has 1 to 200 campaigns).</summary>
    public int EmailsPerCampaign { get; set; } = 3000;

    /// <summary>The seed of the pseudo-random generator.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>The last day (UTC, exclusive) of the workload; it spans <see cref="Days"/> days before it.</summary>
    public DateOnly End { get; set; } = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>
    /// The moment nothing is sent or happens at or after (default: the start of <see cref="End"/>);
    /// the demo sets it to now, so that today has the traffic of the morning so far.
    /// </summary>
    public DateTime? Until { get; set; }

    /// <summary>How many days of sending the workload covers.</summary>
    public int Days { get; set; } = 90;

    /// <summary>Share of events written twice with the same event id (a producer retry).</summary>
    public double DuplicateRate { get; set; } = 0.005;

    /// <summary>Share of emails whose first engagement event comes before their email.sent line.</summary>
    public double OutOfOrderRate { get; set; } = 0.01;

    /// <summary>Share of events held back to the end of the file (late arrivals).</summary>
    public double LateRate { get; set; } = 0.002;
}
