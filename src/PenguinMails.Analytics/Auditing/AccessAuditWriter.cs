using System.Text;
using System.Threading.Channels;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Auditing;

/// <summary>
/// Writes access audit rows off the request path: requests enqueue (never wait on the database),
/// a background loop writes them in batches with one multi-row INSERT, and <see cref="DrainAsync"/>
/// writes what is left on shutdown, so nothing is lost when the server stops.
/// </summary>
public sealed class AccessAuditWriter(AnalyticsDatabase database)
{
    private const int BatchSize = 500;

    private readonly Channel<AccessAuditEntry> queue = Channel.CreateUnbounded<AccessAuditEntry>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Rows written so far.</summary>
    public long Written { get; private set; }

    /// <summary>Queues an entry; returns at once.</summary>
    public void Enqueue(AccessAuditEntry entry) => queue.Writer.TryWrite(entry);

    /// <summary>
    /// Writes batches as entries arrive until cancelled. A write in progress is never cancelled
    /// (its rows are already out of the queue); a failed write puts its rows back and is retried.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200); // lets a batch gather
        while (await queue.Reader.WaitToReadAsync(cancellationToken))
        {
            try
            {
                await WriteAvailableAsync(CancellationToken.None);
                delay = TimeSpan.FromMilliseconds(200);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or AnalyticsException or TimeoutException)
            {
                LastError = e.Message;
                delay = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(30).Ticks, delay.Ticks * 2));
            }
            await Task.Delay(delay, cancellationToken);
        }
    }

    /// <summary>The last write error, if writes are failing (the rows wait in the queue).</summary>
    public string? LastError { get; private set; }

    /// <summary>Writes every queued entry (call on shutdown, after requests have stopped).</summary>
    public Task DrainAsync(CancellationToken cancellationToken) => WriteAvailableAsync(cancellationToken);

    private async Task WriteAvailableAsync(CancellationToken cancellationToken)
    {
        var batch = new List<AccessAuditEntry>(BatchSize);
        while (true)
        {
            batch.Clear();
            while (batch.Count < BatchSize && queue.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }
            if (batch.Count == 0)
            {
                return;
            }
            try
            {
                await WriteAsync(batch, cancellationToken);
            }
            catch
            {
                foreach (var entry in batch)
                {
                    queue.Writer.TryWrite(entry); // not lost: written on the next attempt
                }
                throw;
            }
        }
    }

    private async Task WriteAsync(List<AccessAuditEntry> batch, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("""
            INSERT INTO analytics_access_audit (user_id, tenant_id, query_type, table_accessed, filters_applied, rows_returned,
                query_duration_ms, ip_address, user_agent, success, failure_reason, data_sensitivity, compliance_check_passed, created)
            VALUES
            """);
        var parameters = new List<object?>(batch.Count * 13);
        for (var i = 0; i < batch.Count; i++)
        {
            var e = batch[i];
            var p = parameters.Count;
            sql.Append(i == 0 ? "\n" : ",\n").Append(System.Globalization.CultureInfo.InvariantCulture,
                $"(${p + 1}, ${p + 2}, ${p + 3}, ${p + 4}, CAST(${p + 5} AS JSON), ${p + 6}, ${p + 7}, ${p + 8}, ${p + 9}, ${p + 10}, ${p + 11}, 'internal', ${p + 10}, ${p + 12})");
            parameters.AddRange([e.UserId, e.TenantId, e.QueryType, e.TableAccessed, e.FiltersJson, e.RowsReturned, e.DurationMs,
                e.IpAddress, e.UserAgent, e.Success, e.FailureReason, e.Created]);
        }
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(sql.ToString(), cancellationToken, [.. parameters]);
        Written += batch.Count;
    }
}
