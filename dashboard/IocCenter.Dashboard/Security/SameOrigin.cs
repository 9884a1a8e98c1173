using System.Net;

namespace IocCenter.Dashboard.Security;

/// <summary>
/// Two doors a browser on another site must not open: the hub refuses a WebSocket (or its negotiation) whose
/// <c>Origin</c> is not this site or one of <see cref="DashboardSecurityOptions.AllowedOrigins"/>, whatever cookie it
/// carries; <c>/metrics</c> and <c>/openapi</c> answer anonymously only on loopback or from
/// <see cref="DashboardSecurityOptions.OpenEndpointsFrom"/>, otherwise only to a signed-in admin.
/// </summary>
internal static class SameOrigin
{
    /// <summary>Whether a request's <c>Origin</c> (none: not a browser) may use the hub.</summary>
    public static bool Allowed(HttpRequest request, IReadOnlyCollection<string> allowed)
    {
        var origins = request.Headers.Origin;
        if (origins.Count == 0)
        {
            return true; // no browser sends a WebSocket without one; a program with the cookie could just as well omit it
        }

        if (origins.Count > 1 || origins[0] is not { Length: > 0 } origin || !Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/")
        {
            return false;
        }

        var normal = uri.GetLeftPart(UriPartial.Authority);
        return (request.Host.HasValue && Uri.TryCreate(request.Scheme + "://" + request.Host.Value, UriKind.Absolute, out var self)
                && string.Equals(normal, self.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
            || allowed.Any(a => Uri.TryCreate(a.Trim(), UriKind.Absolute, out var ok) && string.Equals(ok.GetLeftPart(UriPartial.Authority), normal, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether an anonymous request may read <c>/metrics</c> or <c>/openapi</c>: from this machine or a configured network.</summary>
    public static bool Local(HttpContext context, IReadOnlyList<IPNetwork> networks)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return true; // in process (the test host): no network at all
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return IPAddress.IsLoopback(address) || networks.Any(n => n.Contains(address));
    }

    public static bool IsGuardedEndpoint(PathString path) => path.StartsWithSegments("/metrics") || path.StartsWithSegments("/openapi");
}
