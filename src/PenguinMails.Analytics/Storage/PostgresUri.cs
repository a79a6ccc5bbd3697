using Npgsql;

namespace PenguinMails.Analytics.Storage;

/// <summary>Turns a <c>postgresql://user:password@host:port/database?sslmode=...</c> URI into an Npgsql connection string.</summary>
internal static class PostgresUri
{
    // libpq query parameters that Npgsql understands under another name.
    private static readonly Dictionary<string, string> ParameterNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
    };

    public static string ToConnectionString(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host))
        {
            throw new AnalyticsException($"The PostgreSQL URI is not valid: expected postgresql://user:password@host:port/database.");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = parsed.Host };
        if (parsed.Port > 0)
        {
            builder.Port = parsed.Port;
        }
        var database = Uri.UnescapeDataString(parsed.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }
        if (parsed.UserInfo.Length > 0)
        {
            var colon = parsed.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? parsed.UserInfo : parsed.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(parsed.UserInfo[(colon + 1)..]);
            }
        }

        foreach (var pair in parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!ParameterNames.TryGetValue(key, out var name))
            {
                throw new AnalyticsException(
                    $"The PostgreSQL URI parameter '{key}' is not supported; use one of {string.Join(", ", ParameterNames.Keys)}, or an Npgsql connection string.");
            }
            builder[name] = value;
        }
        return builder.ConnectionString;
    }
}
