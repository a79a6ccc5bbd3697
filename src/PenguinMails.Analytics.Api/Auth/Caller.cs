using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Security;

namespace PenguinMails.Analytics.Api.Auth;

/// <summary>The authenticated key of a request, and the tenant scope its reads run under.</summary>
public sealed record Caller(ApiKey Key, bool WithoutQueryLayerFilter = false)
{
    private const string ItemKey = "penguin-analytics.caller";

    public TenantScope Scope => new(Key.TenantId, Key.IsAdmin) { WithoutQueryLayerFilter = WithoutQueryLayerFilter };

    public static Caller Of(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var caller) && caller is Caller c
            ? c
            : throw new InvalidOperationException("The endpoint has no API key filter.");

    internal void AttachTo(HttpContext context) => context.Items[ItemKey] = this;
}
