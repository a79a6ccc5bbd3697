using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PenguinMails.Analytics.Api.Auth;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Security;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// What <c>/openapi/v1.json</c> says beyond the handlers' signatures, so that a client can be
/// generated from it: the bearer key scheme on every endpoint that needs a key (with the roles
/// that may call it), the date range and paging parameters of the reads (parsed by
/// <see cref="ReadParameters"/>, not bound), the <c>{data, as_of, paging}</c> envelope, and the
/// problem details of every status an endpoint answers with.
/// </summary>
public static class OpenApiDescription
{
    /// <summary>The security scheme's name in the document.</summary>
    public const string BearerScheme = "bearer";

    /// <summary>Endpoint metadata: a read over <c>from</c>/<c>to</c>, paged or not, with the report's filters the query string takes.</summary>
    public sealed record RangeRead(bool Ranged, bool Paged, int DefaultDays, IReadOnlyList<string> Filters, IReadOnlyList<string> Required);

    /// <summary>The envelope of every read (written by <see cref="DataResult"/>): <c>paging</c> only on paged reads.</summary>
    public sealed class DataEnvelope
    {
        /// <summary>The rows, keyed by column name (the report's columns, as in its CSV export).</summary>
        public required IReadOnlyList<Dictionary<string, JsonElement>> Data { get; init; }

        /// <summary>When the last fold committed: the numbers include every event ingested before it.</summary>
        public required DateTime? AsOf { get; init; }

        public Paging? Paging { get; init; }
    }

    /// <summary>The paging of a paged read: <c>next_offset</c> only when a full page came back.</summary>
    public sealed class Paging
    {
        public required int Limit { get; init; }

        public required int Offset { get; init; }

        /// <summary>The offset of the next page; absent on the last page.</summary>
        public int NextOffset { get; init; }
    }

    /// <summary>The envelope of the step funnel: the rows and the A/B comparisons.</summary>
    public sealed record StepsEnvelope(IReadOnlyList<Dictionary<string, JsonElement>> Data, DateTime? AsOf, IReadOnlyList<StepComparison.Comparison> Comparisons);

    /// <summary>Declares a read of <paramref name="report"/> answered with <typeparamref name="TEnvelope"/>: its parameters (but the filter the route supplies), its envelope and its 400/404.</summary>
    public static RouteHandlerBuilder DescribedAsRead<TEnvelope>(this RouteHandlerBuilder builder, Report report, bool paged, string? routeFilter = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(report);
        return builder.WithMetadata(new RangeRead(report.Ranged, paged, report.DefaultDays, [.. report.Filters.Where(f => f != routeFilter)], report.Required))
            .Produces<TEnvelope>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// Describes a query parameter the handler binds as an optional string: whether it is required,
    /// its choices and an example (what the signature cannot say).
    /// </summary>
    public static RouteHandlerBuilder DescribedParameter(this RouteHandlerBuilder builder, string name, string description,
        bool required = false, IReadOnlyList<string>? choices = null, string? example = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Parameters?.FirstOrDefault(p => p.Name == name) is OpenApiParameter parameter)
            {
                parameter.Description = description;
                parameter.Required = required;
                var schema = new OpenApiSchema { Type = JsonSchemaType.String };
                if (choices is not null)
                {
                    schema.Enum = [.. choices.Select(c => (JsonNode)JsonValue.Create(c))];
                }
                parameter.Schema = schema;
                parameter.Example = example is null ? null : JsonValue.Create(example);
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>Adds the scheme, the range parameters and the security requirements to the document.</summary>
    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "PenguinMails Analytics";
            document.Info.Description = "The analytics API of a cold-email platform: campaign, step, mailbox, lead, warmup and billing analytics per tenant, "
                + "ingest of NDJSON events, governed exports and GDPR anonymization. Errors are RFC 9457 problem details.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "pma_<id>_<secret>",
                Description = "An API key from `penguin-analytics keys create`; its role (viewer, tenant_admin, ingest, admin) decides what it may call.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<KeyRequired>().FirstOrDefault() is { } key)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
                var roles = key.Roles.Count == 0 ? "the platform admin" : string.Join(", ", key.Roles.Select(r => r.ToName())) + " or the platform admin";
                operation.Description = $"{operation.Description}{(string.IsNullOrEmpty(operation.Description) ? "" : " ")}Key roles: {roles}.";
            }
            if (metadata.OfType<RangeRead>().FirstOrDefault() is { } read)
            {
                operation.Parameters ??= [];
                if (read.Ranged)
                {
                    Add(operation, "from", $"First UTC day (yyyy-MM-dd); default {read.DefaultDays} days before `to`.", Date(), "2026-11-01");
                    Add(operation, "to", "The day after the last (yyyy-MM-dd, exclusive); default tomorrow (UTC).", Date(), "2026-12-01");
                }
                Add(operation, "tenant_id", "Narrows the platform admin to one tenant; any other key may only name its own (another is 404).",
                    new OpenApiSchema { Type = JsonSchemaType.String }, null);
                foreach (var filter in read.Filters)
                {
                    var schema = new OpenApiSchema { Type = JsonSchemaType.String };
                    if (filter == "entity")
                    {
                        schema.Enum = [.. Reports.SeriesEntities.Select(e => (JsonNode)JsonValue.Create(e))];
                    }
                    Add(operation, filter, ReportFilter.Description(filter), schema, filter == "entity" ? "tenant" : null, read.Required.Contains(filter));
                }
                if (read.Paged)
                {
                    Add(operation, "limit", $"Rows per page, 1 to {ReadParameters.MaxLimit}; default 100.",
                        new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = ReadParameters.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) }, 100);
                    Add(operation, "offset", "Rows to skip (the previous page's `paging.next_offset`); default 0.",
                        new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0" }, 0);
                }
            }
            return Task.CompletedTask;
        });
    }

    private static OpenApiSchema Date() => new() { Type = JsonSchemaType.String, Format = "date" };

    private static void Add(OpenApiOperation operation, string name, string description, OpenApiSchema schema, JsonNode? example, bool required = false)
    {
        if (operation.Parameters!.Any(p => p.Name == name))
        {
            return;
        }
        operation.Parameters!.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Query, Description = description, Schema = schema, Example = example, Required = required });
    }
}
