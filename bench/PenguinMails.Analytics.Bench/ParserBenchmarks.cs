using System.Text;
using BenchmarkDotNet.Attributes;
using PenguinMails.Analytics.Ingestion;

namespace PenguinMails.Analytics.Bench;

/// <summary>Parsing and validating contract lines: the CPU part of ingestion.</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private readonly byte[] sent = Encoding.UTF8.GetBytes(
        """{"type":"email.sent","event_id":"v123456","email_id":"e123456","occurred_at":"2026-03-02T10:00:00Z","campaign_id":"t1-c1-k3","step_id":"t1-c1-k3-s2A","mailbox_id":"t1-c1-m17","lead_id":"t1-c1-l4242"}""");
    private readonly byte[] opened = Encoding.UTF8.GetBytes(
        """{"type":"email.opened","event_id":"v123457","email_id":"e123456","occurred_at":"2026-03-02T10:05:00Z"}""");
    private readonly RecordParser parser = new(200);

    [Benchmark]
    public object? ParseSent() => parser.Parse(sent, 1, out _);

    [Benchmark]
    public object? ParseOpened() => parser.Parse(opened, 1, out _);
}
