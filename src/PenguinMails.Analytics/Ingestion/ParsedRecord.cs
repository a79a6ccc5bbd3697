using PenguinMails.Analytics.Ingestion.Records;

namespace PenguinMails.Analytics.Ingestion;

/// <summary>
/// One parsed line: an email event (<see cref="Event"/>, a struct, when <see cref="Entity"/> is
/// null) or an entity upsert (<see cref="Entity"/>: a <see cref="TenantRecord"/>, <see cref="LeadRecord"/>...).
/// </summary>
internal readonly struct ParsedRecord
{
    public ParsedRecord(EmailEventRecord emailEvent) => Event = emailEvent;

    public ParsedRecord(object entity) => Entity = entity;

    public EmailEventRecord Event { get; }

    public object? Entity { get; }
}
