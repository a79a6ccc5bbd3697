using System.Collections.Concurrent;
using System.Threading.Channels;
using PenguinMails.Analytics.Ingestion.Records;
using PenguinMails.Analytics.Jobs;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Ingestion;

/// <summary>
/// Ingests the NDJSON data contract (DESIGN.md, "Data contract"): the one code path behind
/// <c>penguin-analytics ingest</c> and <c>POST /v1/ingest</c>. Each batch is one transaction that
/// stages the records with the engine's bulk path, applies entity upserts, rejects records whose
/// references are unknown, and puts the accepted events into <c>pending_events</c> together with a
/// fold job (an outbox): when the call returns, every accepted record is durable.
/// </summary>
public sealed class Ingestor
{
    private const string SqlFolder = "Ingestion/Sql";

    private static readonly string[] EntityColumns =
        ["line", "entity_type", "id", "parent_id", "name", "status", "address", "domain", "warmup_status", "billing_cycle_day", "step_number", "current_volume", "started_at", "completed_at", "variant", "time_zone"];

    private static readonly string[] EventColumns =
        ["line", "kind", "event_id", "email_id", "occurred_at", "bounce_type", "campaign_id", "step_id", "mailbox_id", "lead_id",
         "is_warmup", "health_score", "progress_percentage", "warmup_status", "tenant_id", "machine", "reply_kind", "category"];

    private readonly AnalyticsDatabase database;
    private readonly IngestOptions options;

    public Ingestor(AnalyticsDatabase database, IngestOptions? options = null)
    {
        this.database = database ?? throw new ArgumentNullException(nameof(database));
        this.options = options ?? new IngestOptions();
    }

    /// <summary>
    /// Reads NDJSON from <paramref name="input"/> to its end and ingests it batch by batch, in three
    /// stages that overlap: parsing a batch, staging the one before it (the engine's bulk path, on
    /// its own connection), and applying the one before that. When a stage fails, the batches it
    /// handed on are still applied and the stages before it stop; the failure is what is thrown.
    /// </summary>
    public async Task<IngestResult> IngestAsync(Stream input, IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var report = new RejectionReport(options.MaxReportedErrors);
        var parsed = Channel.CreateBounded<IngestBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var staged = Channel.CreateBounded<StagedBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stopStaging = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(stopStaging.Token);
        long accepted = 0;
        // The event lists of staged batches, for the next batches to fill (at most one per stage).
        var spareEvents = new ConcurrentQueue<List<EmailEventRecord>>();

        var reading = RunStageAsync(() => ReadBatchesAsync(input, parsed.Writer, report, spareEvents, stopReading.Token), parsed.Writer, stopReading);
        var staging = RunStageAsync(async () =>
        {
            await foreach (var batch in parsed.Reader.ReadAllAsync(stopStaging.Token))
            {
                var next = await StageBatchAsync(batch, spareEvents, stopStaging.Token);
                try
                {
                    await staged.Writer.WriteAsync(next, stopStaging.Token);
                }
                catch
                {
                    await next.DisposeAsync();
                    throw;
                }
            }
        }, staged.Writer, stopReading);
        var writing = RunStageAsync<StagedBatch>(async () =>
        {
            await foreach (var batch in staged.Reader.ReadAllAsync(cancellationToken))
            {
                await using (batch)
                {
                    accepted += await ApplyBatchAsync(batch, report, cancellationToken);
                }
                progress?.Report(new IngestProgress(batch.Batch.LastLine, batch.Batch.BytesRead, accepted, report.Count));
            }
        }, null, stopStaging);

        try
        {
            await Task.WhenAll(reading, staging, writing);
        }
        finally
        {
            while (staged.Reader.TryRead(out var left))
            {
                await left.DisposeAsync();
            }
        }
        return new IngestResult(accepted, report.Count, report.Sorted());
    }

    // Runs one stage. Its output ends when it does, with its failure if it fails (the next stage
    // still takes what it handed on, then fails with the same exception); a failure also stops
    // the stages before it, which only see that cancellation.
    private static async Task RunStageAsync<T>(Func<Task> stage, ChannelWriter<T>? output, CancellationTokenSource stopEarlierStages)
    {
        try
        {
            await stage();
            output?.TryComplete();
        }
        catch (Exception e)
        {
            output?.TryComplete(e);
            await stopEarlierStages.CancelAsync();
            throw;
        }
    }

    private async Task ReadBatchesAsync(Stream input, ChannelWriter<IngestBatch> batches, RejectionReport report,
        ConcurrentQueue<List<EmailEventRecord>> spareEvents, CancellationToken cancellationToken)
    {
        var reader = new NdjsonLineReader(input, options.MaxLineBytes);
        var parser = new RecordParser(options.MaxIdLength, options.Timestamps);
        var batch = new IngestBatch();
        var batchLines = 0;
        var batchLimit = options.BatchLines ?? database.IngestBatchLines;
        while (true)
        {
            var (read, lineNumber, tooLong) = await reader.ReadAsync(cancellationToken);
            if (!read)
            {
                break;
            }
            batch.LastLine = lineNumber;
            batch.BytesRead = reader.BytesRead;
            if (tooLong)
            {
                report.Add(new Rejection(lineNumber, Rejection.WholeLine, $"the line is longer than the limit of {options.MaxLineBytes} bytes"));
                continue;
            }
            if (IsBlank(reader.Current.Span))
            {
                continue;
            }
            if (parser.TryParse(reader.Current.Span, lineNumber, out var record, out var rejection))
            {
                rejection = batch.Add(record);
            }
            if (rejection is not null)
            {
                report.Add(rejection);
            }
            if (++batchLines >= batchLimit)
            {
                await batches.WriteAsync(batch, cancellationToken);
                batch = new IngestBatch(spareEvents.TryDequeue(out var events) ? events : null);
                batchLines = 0;
            }
        }
        await batches.WriteAsync(batch, cancellationToken);
    }

    /// <summary>
    /// Stages one batch on a connection of its own, in a transaction of its own: the staging tables
    /// are temporary, so committing them publishes nothing, and it gives DuckDB their row counts
    /// (rows a transaction wrote count as none when it plans, and it then hashes the staged events
    /// to probe them with a handful of tenants).
    /// </summary>
    private async Task<StagedBatch> StageBatchAsync(IngestBatch batch,
        ConcurrentQueue<List<EmailEventRecord>> spareEvents, CancellationToken cancellationToken)
    {
        if (batch.IsEmpty)
        {
            return new StagedBatch(batch, null);
        }
        var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "stage_transaction.sql"), cancellationToken);
            await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "stage.sql"), cancellationToken);
            if (options.TenantId is not null)
            {
                await connection.ExecuteAsync("INSERT INTO ingest_scope VALUES ($1)", cancellationToken, options.TenantId);
            }
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await database.BulkInsertAsync(connection, "stage_entities", EntityColumns, batch.Entities.Select(EntityRow), cancellationToken);
            await database.BulkInsertAsync(connection, "stage_events", EventColumns, EventRows(batch.Events), cancellationToken);
            DbCommandExtensions.Trace(started, $"bulk insert of {batch.Entities.Count} entities and {batch.Events.Count} events");
            await transaction.CommitAsync(cancellationToken);
            spareEvents.Enqueue(batch.ReleaseEvents());
            return new StagedBatch(batch, connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Applies one staged batch in one transaction; returns how many of its records were accepted.</summary>
    private async Task<long> ApplyBatchAsync(StagedBatch staged, RejectionReport report, CancellationToken cancellationToken)
    {
        if (staged.Connection is not { } connection)
        {
            return 0;
        }
        var batch = staged.Batch;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Each half runs only when the batch has its records: over an empty staging table it would
        // change nothing, and a batch of events alone (what HTTP ingest mostly sends) skips the
        // entity half's statements, a fixed cost of each batch that small batches feel.
        if (batch.Entities.Count > 0)
        {
            await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "apply_entities.sql"), cancellationToken);
        }
        if (batch.EventCount > 0)
        {
            await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "apply_events.sql"), cancellationToken);
            await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "queue_events.sql"), cancellationToken);
        }

        long rejected = 0;
        await using (var command = connection.CreateCommand("SELECT source, line, field, reason FROM stage_rejections ORDER BY source, line"))
        await using (var rows = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                var field = rows.GetString(2);
                var reason = rows.GetString(3);
                if (rows.GetString(0) == "entity")
                {
                    // A merged entity stands for all of its lines: each is rejected with the reason.
                    foreach (var line in batch.Entities[(int)rows.GetInt64(1)].Lines)
                    {
                        report.Add(new Rejection(line, field, reason));
                        rejected++;
                    }
                }
                else
                {
                    report.Add(new Rejection(rows.GetInt64(1), field, reason));
                    rejected++;
                }
            }
        }
        await EnqueueJobsAsync(connection, batch, cancellationToken);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await transaction.CommitAsync(cancellationToken);
        DbCommandExtensions.Trace(started, "commit");
        return batch.ParsedLines - rejected;
    }

    // In the batch's transaction (an outbox): the fold of what it stored, one queued fold covering
    // every batch before it runs; and the recompute of each tenant whose billing cycle day or time
    // zone changed (rare: looked up only when the batch names one, one job per such tenant).
    private async Task EnqueueJobsAsync(System.Data.Common.DbConnection connection, IngestBatch batch, CancellationToken cancellationToken)
    {
        var queue = new JobQueue(database);
        var tenants = new List<string>();
        if (batch.Entities.Any(e => e.Type == "tenant" && (e.Fields.BillingCycleDay is not null || e.Fields.TimeZone is not null)))
        {
            await using var command = connection.CreateCommand("SELECT DISTINCT tenant_id FROM stage_recompute_tenants ORDER BY tenant_id");
            await using var rows = await command.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                tenants.Add(rows.GetString(0));
            }
        }
        foreach (var tenant in tenants)
        {
            await queue.EnqueueAsync(JobTypes.Recompute, tenant, connection: connection, deduplication: JobDeduplication.WhileQueued, cancellationToken: cancellationToken);
        }
        await queue.EnqueueAsync(JobTypes.Fold, null, connection: connection, deduplication: JobDeduplication.WhileQueued, cancellationToken: cancellationToken);
    }

    private static object?[] EntityRow(MergedEntity e) =>
    [
        (long)e.Index, e.Type, e.Id, e.ParentId, e.Fields.Name, e.Fields.Status, e.Fields.Address, e.Fields.Domain,
        e.Fields.WarmupStatus, e.Fields.BillingCycleDay, e.Fields.StepNumber, e.Fields.CurrentVolume, e.Fields.StartedAt, e.Fields.CompletedAt, e.Fields.Variant, e.Fields.TimeZone,
    ];

    // One array for all of a batch's rows (the bulk paths write a row before they take the next),
    // the kinds and flags boxed once: a row of its own with its boxes was a third of what an
    // ingest allocated.
    private static IEnumerable<object?[]> EventRows(List<EmailEventRecord> events)
    {
        var row = new object?[EventColumns.Length];
        foreach (var e in events)
        {
            row[0] = e.Line;
            row[1] = Kinds[(int)e.Kind];
            row[2] = e.EventId;
            row[3] = e.EmailId;
            row[4] = e.OccurredAt;
            row[5] = e.BounceType;
            row[6] = e.CampaignId;
            row[7] = e.StepId;
            row[8] = e.MailboxId;
            row[9] = e.LeadId;
            row[10] = e.Warmup ? True : False;
            row[11] = (short?)e.HealthScore;
            row[12] = (short?)e.ProgressPercentage;
            row[13] = e.WarmupStatus;
            row[14] = e.TenantId;
            row[15] = e.Machine switch { null => null, true => True, false => False };
            row[16] = e.ReplyKind;
            row[17] = e.Category;
            yield return row;
        }
    }

    private static readonly object[] Kinds = [.. Enumerable.Range(0, (int)Enum.GetValues<EmailEventKind>().Max() + 1).Select(k => (object)(short)k)];

    private static readonly object True = true;

    private static readonly object False = false;

    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A parsed batch in the staging tables of its connection (none when it is empty), waiting to be applied.</summary>
    private sealed record StagedBatch(IngestBatch Batch, System.Data.Common.DbConnection? Connection) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Connection?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
