using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PenguinMails.Analytics.IntegrationTests.Pipeline;

namespace PenguinMails.Analytics.IntegrationTests.Api;

/// <summary>
/// /openapi/v1.json against the live API: it names every endpoint the server maps, and requests
/// made from the document alone (its parameters, examples and enums) get answers whose status
/// the document lists and whose body matches the documented schema.
/// </summary>
public abstract partial class ApiConformanceTests
{
    private async Task<JsonElement> OpenApiAsync()
    {
        var response = await SendAsync(HttpMethod.Get, "/openapi/v1.json", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task the_openapi_document_names_every_endpoint_with_its_key_scheme()
    {
        var document = await OpenApiAsync();
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}")).Order().ToList();
        var mapped = app!.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/v1/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText}")).Order().ToList();

        Assert.Equal(mapped, documented);
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                Assert.True(operation.Value.TryGetProperty("security", out var security) && security[0].TryGetProperty("bearer", out _), $"{operation.Name} {path.Name} names the bearer scheme");
                Assert.True(operation.Value.GetProperty("responses").TryGetProperty("401", out _), $"{operation.Name} {path.Name} documents 401");
            }
        }
        var ingest = document.GetProperty("paths").GetProperty("/v1/ingest").GetProperty("post").GetProperty("responses");
        Assert.True(ingest.TryGetProperty("202", out _) && !ingest.TryGetProperty("200", out _), "ingest answers 202, not 200");
        var campaigns = document.GetProperty("paths").GetProperty("/v1/campaigns").GetProperty("get");
        Assert.Equal(["from", "to", "tenant_id", "company_id", "campaign_id", "limit", "offset"],
            campaigns.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()!));
    }

    [Fact]
    public async Task requests_made_from_the_openapi_document_get_the_documented_answers()
    {
        Assert.Equal(0, (await Pipeline.IngestAsync(PipelineFixture.Workload(43, tenants: 2, emails: 300, days: 20))).Rejected);
        await Pipeline.FoldAsync();
        var document = await OpenApiAsync();
        var campaign = (await DataAsync("/v1/campaigns?from=2026-01-01&to=2026-12-31&limit=1", keys["admin"]))[0].GetProperty("campaign_id").GetString()!;
        var mailbox = (await DataAsync("/v1/mailboxes?from=2026-01-01&to=2026-12-31&limit=1", keys["admin"]))[0].GetProperty("mailbox_id").GetString()!;
        // What the document cannot know: ids that exist in this database. Everything else comes from it.
        var known = new Dictionary<string, string> { ["campaign_id"] = campaign, ["from"] = "2026-01-01", ["to"] = "2026-12-31" };
        var checkedOperations = 0;

        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            if (!path.Value.TryGetProperty("get", out var operation) || path.Name.StartsWith("/v1/exports/", StringComparison.Ordinal))
            {
                continue; // an export id exists only after a POST (ApiConformanceTests.Exports)
            }
            var url = path.Name.Replace("{id}", path.Name.StartsWith("/v1/mailboxes", StringComparison.Ordinal) ? mailbox : campaign, StringComparison.Ordinal);
            var query = new List<string>();
            var paged = false;
            foreach (var parameter in operation.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray() : [])
            {
                var name = parameter.GetProperty("name").GetString()!;
                paged |= name == "limit";
                if (parameter.GetProperty("in").GetString() != "query")
                {
                    continue;
                }
                var value = known.TryGetValue(name, out var v) ? v
                    : parameter.TryGetProperty("example", out var example) ? example.ToString()
                    : parameter.GetProperty("schema").TryGetProperty("enum", out var choices) && parameter.TryGetProperty("required", out var required) && required.GetBoolean() ? choices[0].GetString()
                    : null;
                Assert.False(value is null && parameter.TryGetProperty("required", out var r) && r.GetBoolean(), $"{path.Name}: required {name} has an example");
                if (value is not null && name != "tenant_id")
                {
                    query.Add($"{name}={Uri.EscapeDataString(value)}");
                }
            }
            var response = await SendAsync(HttpMethod.Get, $"{url}?{string.Join('&', query)}", keys["admin"]);
            var body = await response.Content.ReadAsStringAsync(Ct);
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}?{string.Join('&', query)}: {status} {body}");
            var documented = operation.GetProperty("responses").GetProperty(status);
            var schema = documented.GetProperty("content").GetProperty("application/json").GetProperty("schema");
            using (var json = JsonDocument.Parse(body))
            {
                var problems = new List<string>();
                Validate(document, schema, json.RootElement, path.Name, problems);
                Assert.True(problems.Count == 0, string.Join("\n", problems));
            }

            if (paged)
            {
                // A bad value of a documented parameter: a documented 400 with problem details.
                var bad = await SendAsync(HttpMethod.Get, $"{url}?{string.Join('&', query.Where(q => !q.StartsWith("limit=", StringComparison.Ordinal)).Append("limit=0"))}", keys["admin"]);
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
                Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
                Assert.True(operation.GetProperty("responses").TryGetProperty("400", out _));
            }
            var anonymous = await SendAsync(HttpMethod.Get, url, null);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            checkedOperations++;
        }
        Assert.Equal(17, checkedOperations); // every GET of the document but the two of one export

        // The one POST a producer makes: 202 with the documented body.
        var ingest = await SendAsync(HttpMethod.Post, "/v1/ingest", keys["a-ingest"], """{"type":"company","id":"t1-c9","tenant_id":"t1","name":"New client"}""" + "\n{}\n");
        Assert.Equal(HttpStatusCode.Accepted, ingest.StatusCode);
        var ingestSchema = document.GetProperty("paths").GetProperty("/v1/ingest").GetProperty("post").GetProperty("responses").GetProperty("202")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema");
        using var ingested = JsonDocument.Parse(await ingest.Content.ReadAsStringAsync(Ct));
        var ingestProblems = new List<string>();
        Validate(document, ingestSchema, ingested.RootElement, "/v1/ingest", ingestProblems);
        Assert.Empty(ingestProblems);
        Assert.Equal(1, ingested.RootElement.GetProperty("accepted").GetInt64());
        Assert.Equal(2, ingested.RootElement.GetProperty("errors")[0].GetProperty("line").GetInt64());
    }

    // The part of JSON Schema the document uses: $ref, oneOf/anyOf, type (one or several),
    // required properties, properties and array items.
    private static void Validate(JsonElement document, JsonElement schema, JsonElement value, string at, List<string> problems)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!["#/components/schemas/".Length..];
            Validate(document, document.GetProperty("components").GetProperty("schemas").GetProperty(name), value, at, problems);
            return;
        }
        foreach (var combinator in new[] { "oneOf", "anyOf" })
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                var any = options.EnumerateArray().Any(option =>
                {
                    var inner = new List<string>();
                    Validate(document, option, value, at, inner);
                    return inner.Count == 0;
                });
                if (!any)
                {
                    problems.Add($"{at}: {value.ValueKind} matches none of {combinator}");
                }
                return;
            }
        }
        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            var actual = value.ValueKind switch
            {
                JsonValueKind.Object => "object", JsonValueKind.Array => "array", JsonValueKind.String => "string",
                JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
                JsonValueKind.True or JsonValueKind.False => "boolean", _ => "null",
            };
            if (!types.Contains(actual) && !(actual == "integer" && types.Contains("number")))
            {
                problems.Add($"{at}: {actual}, documented {string.Join("|", types)}");
                return;
            }
        }
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var required in schema.TryGetProperty("required", out var names) ? names.EnumerateArray() : [])
            {
                if (!value.TryGetProperty(required.GetString()!, out _))
                {
                    problems.Add($"{at}: missing {required.GetString()}");
                }
            }
            if (schema.TryGetProperty("properties", out var properties))
            {
                foreach (var property in value.EnumerateObject())
                {
                    if (properties.TryGetProperty(property.Name, out var propertySchema))
                    {
                        Validate(document, propertySchema, property.Value, $"{at}.{property.Name}", problems);
                    }
                    else
                    {
                        problems.Add($"{at}: {property.Name} is not documented");
                    }
                }
            }
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Validate(document, items, item, $"{at}[{index++}]", problems);
            }
        }
    }
}
