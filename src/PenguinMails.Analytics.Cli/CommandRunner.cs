using Microsoft.Extensions.DependencyInjection;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Cli;

/// <summary>
/// Runs a command body with the database open and turns every failure into one clear line on
/// stderr and a non-zero exit code: people get the reason, never a stack trace.
/// Set PENGUIN_ANALYTICS_DEBUG=1 to see the full exception.
/// </summary>
public static class CommandRunner
{
    /// <summary>Exit code for a failed command.</summary>
    public const int Failure = 1;

    /// <summary>Opens the database named by <paramref name="db"/> and runs <paramref name="body"/>.</summary>
    public static async Task<int> RunAsync(string? db, Func<AnalyticsDatabase, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            await using var database = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Resolve(db), cancellationToken);
            return await body(database, cancellationToken);
        }
        catch (AnalyticsException e)
        {
            return Fail(e.Message, e);
        }
        catch (OperationCanceledException e)
        {
            return Fail("cancelled", e);
        }
#pragma warning disable CA1031 // The last line of defence: anything unexpected still becomes one line.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Fail($"unexpected {e.GetType().Name}: {e.Message}", e);
        }
    }

    /// <summary>
    /// As <see cref="RunAsync"/>, with the library's services on the open database
    /// (<see cref="AnalyticsServices.AddPenguinAnalytics"/>, the same graph <c>serve</c> uses).
    /// </summary>
    public static Task<int> RunWithServicesAsync(string? db, Func<IServiceProvider, CancellationToken, Task<int>> body, CancellationToken cancellationToken) =>
        RunAsync(db, async (database, ct) =>
        {
            using var pools = await WorkloadPools.LoadAsync(database, ct);
            await using var services = new ServiceCollection().AddPenguinAnalytics(database, pools).BuildServiceProvider();
            return await body(services, ct);
        }, cancellationToken);

    private static int Fail(string message, Exception exception)
    {
        Console.Error.WriteLine($"error: {message}");
        if (Environment.GetEnvironmentVariable("PENGUIN_ANALYTICS_DEBUG") == "1")
        {
            Console.Error.WriteLine(exception);
        }
        return Failure;
    }
}
