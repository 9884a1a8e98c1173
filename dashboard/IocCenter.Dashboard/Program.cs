using IocCenter.Dashboard;
using IocCenter.Dashboard.Api;
using IocCenter.Dashboard.Live;
using IocCenter.Dashboard.Security;
using IocCenter.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;

// The all-in-one IOC: embedded broker, ingest, analytics, the web app and a simulated demo province.
// Settings files sit beside the binary; data stays relative to the working directory (./data).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.AddAllInOne();

var app = builder.Build();
if (app.Configuration.GetValue<bool>(DashboardSecurityOptions.Section + ":" + nameof(DashboardSecurityOptions.BehindProxy)))
{
    // Behind the stack's load balancer: the client's address (the login throttle's key) and scheme (Secure cookies)
    // come from X-Forwarded-For / -Proto. Only for an instance that nothing but the proxy can reach.
    var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
    forwarded.KnownIPNetworks.Clear();
    forwarded.KnownProxies.Clear();
    app.UseForwardedHeaders(forwarded);
}

app.Use(async (context, next) =>
{
    // The usual headers; scripts and connections only from this server (no CDN, no third party).
    var headers = context.Response.Headers;
    headers.XContentTypeOptions = "nosniff";
    headers.XFrameOptions = "DENY";
    headers["Referrer-Policy"] = "no-referrer";
    headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; form-action 'self'";
    await next();
});
app.MapDefaultEndpoints();
app.UseApiBadRequestBodies();
app.UseStaticFiles();
app.UseAuthentication();
app.UseSiteGuards();
app.UseAuthorization();
app.UseAntiforgery();
app.MapAccount();
app.MapApi();
app.MapProvince();
app.MapOpenApi().AllowAnonymous();
app.MapHub<IocHub>("/hubs/ioc");

app.MapGet("/", () => Results.Redirect("/console"));
app.MapGet("/wall", [Authorize(Policy = Policies.Viewer)] (HttpContext context) =>
{
    // Opened with its kiosk link: remember the token so the wall reloads and reconnects without it in the URL.
    if (context.Request.Query["token"].FirstOrDefault() is { Length: > 0 } token)
    {
        context.Response.Cookies.Append(KioskTokenHandler.Cookie, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps, MaxAge = TimeSpan.FromDays(400) });
    }

    return Results.File("wall.html", "text/html; charset=utf-8");
});
app.MapGet("/console", [Authorize(Policy = Policies.Officer)] () => Results.File("console.html", "text/html; charset=utf-8"));
app.MapGet("/device", [Authorize(Policy = Policies.Officer)] () => Results.File("device.html", "text/html; charset=utf-8"));
app.MapGet("/admin", [Authorize(Policy = Policies.Admin)] () => Results.File("admin.html", "text/html; charset=utf-8"));
return app.RunChecked();

/// <summary>The entry point, for <c>WebApplicationFactory</c> in tests.</summary>
public partial class Program;
