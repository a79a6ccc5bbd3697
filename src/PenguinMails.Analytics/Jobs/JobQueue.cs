using System.Data.Common;
using System.Globalization;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Jobs;

/// <summary>
/// The durable job queue in <c>analytics_jobs</c> (DESIGN.md, "Pipeline"): at-least-once, with
/// leases that expire when a worker dies, retries with exponential backoff, and a dead state
/// that raises an <c>admin_system_events</c> row. Jobs must therefore be idempotent; all of ours are.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue, of jobs.")]
public sealed class JobQueue
{
    private const string SqlFolder = "Jobs/Sql";

    private readonly AnalyticsDatabase database;
    private readonly JobOptions options;

    public JobQueue(AnalyticsDatabase database, JobOptions? options = null)
    {
        this.database = database ?? throw new ArgumentNullException(nameof(database));
        this.options = options ?? new JobOptions();
    }

    /// <summary>
    /// Enqueues a job, the one way into the queue; with <paramref name="connection"/>, inside the
    /// caller's transaction (an outbox: the job commits with what it is about). False when
    /// <paramref name="deduplication"/> found one like it waiting.
    /// </summary>
    public async Task<bool> EnqueueAsync(string type, string? tenantId, string payloadJson = "{}", DbConnection? connection = null,
        JobDeduplication deduplication = JobDeduplication.None, CancellationToken cancellationToken = default)
    {
        var sql = database.Sql.Get(SqlFolder, "enqueue.sql");
        object?[] parameters = [type, tenantId, payloadJson, options.MaxAttempts, (int)deduplication];
        if (connection is not null)
        {
            return await connection.ExecuteAsync(sql, cancellationToken, parameters) == 1;
        }
        await using var own = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        return await own.ExecuteAsync(sql, cancellationToken, parameters) == 1;
    }

    /// <summary>Claims the next runnable job for <paramref name="owner"/>, or returns null when none is due.</summary>
    public async Task<Job?> ClaimAsync(string owner, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var gate = await database.LockForJobClaimAsync(connection, cancellationToken);
        Job? job = null;
        await using (var command = connection.CreateCommand(database.Sql.Get(SqlFolder, "claim.sql"), owner, Milliseconds(options.Lease)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                job = new Job(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? "{}" : reader.GetString(3), reader.GetInt32(4), reader.GetInt32(5));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return job;
    }

    /// <summary>Marks the job done (only if <paramref name="owner"/> still holds its lease).</summary>
    public async Task CompleteAsync(Job job, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(database.Sql.Get(SqlFolder, "complete.sql"), cancellationToken, job.Id, owner);
    }

    /// <summary>Records a failed attempt: retry after a backoff, or dead with an alert when attempts are used up.</summary>
    public async Task<bool> FailAsync(Job job, string owner, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var backoff = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, options.RetryBaseDelay.Ticks << Math.Min(job.Attempt - 1, 20)));
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var status = await connection.ScalarAsync<string>(database.Sql.Get(SqlFolder, "fail.sql"), cancellationToken, job.Id, owner, Milliseconds(backoff), error);
        var dead = status == "dead";
        if (dead)
        {
            await connection.ExecuteAsync(database.Sql.Get(SqlFolder, "dead_letter_event.sql"), cancellationToken,
                job.Id, job.Type, job.TenantId, job.Attempt, error);
        }
        await transaction.CommitAsync(cancellationToken);
        return dead;
    }

    /// <summary>Gives a claimed job back to the queue (the worker is stopping); the attempt does not count.</summary>
    public async Task<bool> ReleaseAsync(Job job, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(database.Sql.Get(SqlFolder, "release.sql"), cancellationToken, job.Id, owner) == 1;
    }

    /// <summary>Extends the lease of a job that is still being worked on.</summary>
    public async Task ExtendLeaseAsync(Job job, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(database.Sql.Get(SqlFolder, "extend_lease.sql"), cancellationToken, job.Id, owner, Milliseconds(options.Lease));
    }

    /// <summary>
    /// Ends the leases whose holder is known to be dead: a process of this host (by name) that no
    /// longer exists, killed without giving its job back. Returns how many.
    /// </summary>
    public async Task<int> ExpireOrphanedLeasesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        var orphans = new List<(long Id, string Owner)>();
        await using (var command = connection.CreateCommand(database.Sql.Get(SqlFolder, "running_owners.sql")))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var owner = reader.GetString(1);
                if (IsDeadLocalProcess(owner))
                {
                    orphans.Add((reader.GetInt64(0), owner));
                }
            }
        }
        var expired = 0;
        foreach (var (id, owner) in orphans)
        {
            expired += await connection.ExecuteAsync(database.Sql.Get(SqlFolder, "expire_lease.sql"), cancellationToken, id, owner);
        }
        return expired;
    }

    /// <summary>The lease owner a runner of this process uses: host, process id and a nonce.</summary>
    public static string NewOwner() => $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    // "host:pid:nonce" of this host whose process is gone. Another host's processes cannot be seen.
    private static bool IsDeadLocalProcess(string owner)
    {
        var parts = owner.Split(':');
        if (parts.Length != 3 || parts[0] != Environment.MachineName
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
        {
            return false;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return true; // no such process (any more)
        }
    }

    /// <summary>Jobs queued or running (including those waiting for a retry or a lease to expire).</summary>
    public async Task<long> OutstandingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        return await connection.ScalarAsync<long>(database.Sql.Get(SqlFolder, "outstanding.sql"), cancellationToken);
    }

    private static string Milliseconds(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
