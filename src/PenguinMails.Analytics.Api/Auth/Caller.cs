using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Security;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Api.Auth;

/// <summary>
/// The authenticated key of a request, and the tenant scope its reads run under: the key's
/// tenant, or for the platform admin every tenant unless the request names one (<c>tenant_id</c>),
/// in which case the admin reads exactly as that tenant would.
/// </summary>
public sealed record Caller(ApiKey Key, bool WithoutQueryLayerFilter = false, string? NarrowedTo = null)
{
    private const string ItemKey = "penguin-analytics.caller";

    public TenantScope Scope => NarrowedTo is not null
        ? new(NarrowedTo, IsAdmin: false) { WithoutQueryLayerFilter = WithoutQueryLayerFilter }
        : new(Key.TenantId, Key.IsAdmin) { WithoutQueryLayerFilter = WithoutQueryLayerFilter };

    /// <summary>The one tenant the request reads: the narrowed tenant, else the key's own (null for the admin reading all).</summary>
    public string? TenantId => Scope.IsAdmin ? null : Scope.TenantId;

    /// <summary>The caller as the author of an administrative action: its key, and the request's ip and user agent.</summary>
    public AdminActor Actor(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var agent = context.Request.Headers.UserAgent.ToString();
        return new AdminActor($"key:{Key.Id}", context.Connection.RemoteIpAddress?.ToString(), agent.Length == 0 ? null : agent[..Math.Min(agent.Length, 500)]);
    }

    public static Caller Of(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var caller) && caller is Caller c
            ? c
            : throw new InvalidOperationException("The endpoint has no API key filter.");

    internal void AttachTo(HttpContext context) => context.Items[ItemKey] = this;
}
