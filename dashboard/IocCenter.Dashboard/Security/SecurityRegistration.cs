using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IocCenter.Dashboard.Security;

/// <summary>People and walls. Configuration section <c>Dashboard</c>.</summary>
public sealed class DashboardSecurityOptions
{
    public const string Section = "Dashboard";

    /// <summary>The first admin's user name (created at the first start when <see cref="AdminPassword"/> is set).</summary>
    public string AdminUser { get; set; } = "admin";

    /// <summary>
    /// The first admin's password. Unset: the first start prints a one-time setup code for <c>/setup</c> instead.
    /// Outside Development the host refuses to start with an empty, default or short one.
    /// </summary>
    public string? AdminPassword { get; set; }

    /// <summary>Users and kiosk tokens (SQLite); relative to the working directory.</summary>
    public string? UsersDatabase { get; set; }

    /// <summary>
    /// The keys that sign sign-in cookies and anti-forgery tokens (default <c>data/dashboard/keys</c>). Dashboard
    /// instances behind one load balancer share it (and <see cref="UsersDatabase"/>), so a cookie made by one is good on all.
    /// </summary>
    public string? KeysPath { get; set; }

    /// <summary>
    /// Behind a reverse proxy or load balancer (the stack's nginx): trust its X-Forwarded-For and X-Forwarded-Proto.
    /// Only when nothing but the proxy can reach this instance.
    /// </summary>
    public bool BehindProxy { get; set; }

    /// <summary>
    /// How often each instance closes its live connections whose kiosk link was revoked, or whose person's session
    /// ended (log out, new password, disabled, deleted, new role), on another instance.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan KioskCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a sign-in cookie is re-checked against the users database (default 30 s): at most this long after a
    /// log out, a new password, or an admin disabling, deleting or changing the role of a person, their old cookie still
    /// opens a page on an instance. Zero re-checks every request.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Other origins whose pages may connect to the hub (<c>https://ioc.example.vn</c>), besides the site itself: the
    /// public address when a reverse proxy rewrites the Host. Empty by default.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Networks (CIDR, <c>10.0.0.0/8</c>) that may read <c>/metrics</c> and <c>/openapi</c> without signing in, besides
    /// loopback (a Prometheus on another host). Empty by default: from elsewhere only a signed-in admin reads them.
    /// </summary>
    public string[] OpenEndpointsFrom { get; set; } = [];

    /// <summary>Wrong passwords in a row that lock an account.</summary>
    public int LockoutFailures { get; set; } = 5;

    /// <summary>How long a locked account refuses every password.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in attempts one client address may make a minute, whatever the account.</summary>
    public int LoginAttemptsPerMinute { get; set; } = 20;
}

public static class Policies
{
    /// <summary>Any signed-in person or a wall with a kiosk token.</summary>
    public const string Viewer = "viewer";

    public const string Officer = "officer";

    public const string Admin = "admin";

    /// <summary>Any signed-in person (not a wall): changing one's own password.</summary>
    public const string Person = "person";
}

/// <summary>The one-time code that creates the first admin when none is configured; null once used.</summary>
public sealed class SetupCode
{
    private string? _code = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));

    public string? Current => _code;

    public bool TryUse(string? code)
    {
        var current = _code;
        if (current is null || code is null || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(current), System.Text.Encoding.UTF8.GetBytes(code.Trim().ToUpperInvariant())))
        {
            return false;
        }

        _code = null;
        return true;
    }

    public void Retire() => _code = null;
}

/// <summary>
/// A wall's kiosk link: <c>?token=</c> on the page, <c>access_token</c> on the hub (SignalR's WebSocket way), or
/// the <c>iocc.kiosk</c> cookie set when the page was opened with its token. Signs the wall in as a viewer.
/// </summary>
public sealed class KioskTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, UserStore users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "kiosk";
    public const string Cookie = "iocc.kiosk";
    public const string TokenIdClaim = "kiosk_token_id";

    /// <summary>No challenge of its own: a page without a token goes to the login page (the cookie scheme's answer), the API and hub get 401.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => Task.CompletedTask;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = Request.Query["token"].FirstOrDefault() ?? Request.Query["access_token"].FirstOrDefault() ?? Request.Cookies[Cookie];
        if (string.IsNullOrEmpty(secret))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (users.FindKioskToken(secret) is not { } id)
        {
            return Task.FromResult(AuthenticateResult.Fail("unknown or revoked kiosk token"));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "kiosk-" + id), new Claim(ClaimTypes.Role, Roles.Viewer), new Claim(TokenIdClaim, id.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

public static partial class SecurityRegistration
{
    public static WebApplicationBuilder AddDashboardSecurity(this WebApplicationBuilder builder, string dataPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<DashboardSecurityOptions>().BindConfiguration(DashboardSecurityOptions.Section)
            .ValidateDataAnnotations()
            .Validate(
                o => o.AdminPassword is null || development || PasswordPolicy.Problem(o.AdminPassword, o.AdminUser) is null,
                "Mật khẩu quản trị quá yếu (trống, phổ biến, ngắn hơn 10 ký tự, một ký tự lặp lại hoặc trùng tên đăng nhập) / Dashboard:AdminPassword is empty, well-known, shorter than 10 characters, one character repeated or the user name; outside Development the dashboard does not start with it")
            .Validate(o => o.OpenEndpointsFrom.All(n => IPNetwork.TryParse(n, out _)), "Dashboard:OpenEndpointsFrom: mỗi mục là một dải mạng CIDR / each entry is a CIDR network, e.g. 10.0.0.0/8")
            .Validate(o => o.AllowedOrigins.All(a => Uri.TryCreate(a, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"), "Dashboard:AllowedOrigins: mỗi mục là một địa chỉ http(s)://máy[:cổng] / each entry is an http(s)://host[:port] origin")
            .ValidateOnStart();
        var keys = builder.Configuration[DashboardSecurityOptions.Section + ":" + nameof(DashboardSecurityOptions.KeysPath)] ?? Path.Combine(dataPath, "dashboard", "keys");
        builder.Services.AddDataProtection().SetApplicationName("iocc").PersistKeysToFileSystem(new DirectoryInfo(keys));
        builder.Services.AddSingleton(sp => new UserStore(sp.GetRequiredService<IOptions<DashboardSecurityOptions>>().Value.UsersDatabase ?? Path.Combine(dataPath, "dashboard", "users.db"), sp.GetService<TimeProvider>()));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SessionCheck>();
        builder.Services.AddSingleton<SetupCode>();
        builder.Services.AddSingleton(sp => new LoginThrottle(sp.GetRequiredService<IOptions<DashboardSecurityOptions>>().Value, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        builder.Services.AddHostedService<FirstAdmin>();
        builder.Services.AddHostedService<SessionSweep>();

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "iocc.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/login";
                o.Events.OnRedirectToLogin = context => Deny(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => Deny(context, StatusCodes.Status403Forbidden);
                o.Events.OnValidatePrincipal = context => context.HttpContext.RequestServices.GetRequiredService<SessionCheck>().ValidateAsync(context);
            })
            .AddScheme<AuthenticationSchemeOptions, KioskTokenHandler>(KioskTokenHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Viewer, p => p.AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme, KioskTokenHandler.SchemeName).RequireAuthenticatedUser())
            .AddPolicy(Policies.Officer, p => p.AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme).RequireRole(Roles.Officer, Roles.Admin))
            .AddPolicy(Policies.Admin, p => p.AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme).RequireRole(Roles.Admin))
            .AddPolicy(Policies.Person, p => p.AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme).RequireAuthenticatedUser());
        builder.Services.AddAntiforgery(o =>
        {
            o.HeaderName = "X-CSRF-TOKEN";
            o.Cookie.Name = "iocc.csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        return builder;
    }

    /// <summary>
    /// The hub refuses another site's pages (403), and <c>/metrics</c> and <c>/openapi</c> answer anonymously only on
    /// loopback or from the configured networks. After authentication (an admin may read them from anywhere).
    /// </summary>
    public static WebApplication UseSiteGuards(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<DashboardSecurityOptions>>().Value;
        var networks = options.OpenEndpointsFrom.Select(n => IPNetwork.Parse(n)).ToList();
        var origins = options.AllowedOrigins;
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments("/hubs") && !SameOrigin.Allowed(context.Request, origins))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("Không cho phép kết nối từ trang của website khác / Connections from another site's pages are refused");
                return;
            }

            if (SameOrigin.IsGuardedEndpoint(path) && !SameOrigin.Local(context, networks) && !context.User.IsInRole(Roles.Admin))
            {
                context.Response.StatusCode = context.User.Identity?.IsAuthenticated == true ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
                return;
            }

            await next();
        });
        return app;
    }

    /// <summary>The API and the hub answer 401/403; pages go to the login page.</summary>
    private static Task Deny(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        if (status == StatusCodes.Status403Forbidden)
        {
            // A signed-in person without the right (a viewer opening the console): a page that says so and where to go,
            // not the login form again with no word of why.
            return AccountEndpoints.ForbiddenAsync(context.HttpContext);
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    public static ClaimsPrincipal Principal(DashboardUser user) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, user.UserName),
            new Claim("display_name", user.DisplayName),
            new Claim(ClaimTypes.Role, user.Role),
            new Claim(SessionCheck.StampClaim, user.SecurityStamp),
        ],
        CookieAuthenticationDefaults.AuthenticationScheme));

    /// <summary>Creates the first admin from configuration, or prints how to create it with the setup code.</summary>
    private sealed partial class FirstAdmin(UserStore users, SetupCode setup, IOptions<DashboardSecurityOptions> options, IConfiguration configuration, ILogger<FirstAdmin> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var url = (configuration["Urls"] ?? "http://localhost:5080").Split(';')[0].Replace("0.0.0.0", "localhost", StringComparison.Ordinal).Replace("*", "localhost", StringComparison.Ordinal).TrimEnd('/');
            if (users.AnyUser())
            {
                setup.Retire();
                LogLogin(logger, url + "/login", url + "/wall");
                return Task.CompletedTask;
            }

            var o = options.Value;
            if (o.AdminPassword is not null)
            {
                try
                {
                    users.Create(o.AdminUser, o.AdminUser, Roles.Admin, o.AdminPassword);
                }
                catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode == 19 && users.AnyUser())
                {
                    // Another dashboard instance sharing the user database made it first.
                }

                setup.Retire();
                LogAdminCreated(logger, o.AdminUser, url + "/login");
                return Task.CompletedTask;
            }

            LogSetup(logger, url + "/setup", setup.Current!);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "Đăng nhập / Log in: {Login} — màn hình giám sát / screen wall: {Wall} (kiosk link from an admin)")]
        private static partial void LogLogin(ILogger logger, string login, string wall);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Đã tạo tài khoản quản trị đầu tiên '{User}' từ cấu hình / First admin '{User}' created from Dashboard:AdminPassword. Log in at {Login}")]
        private static partial void LogAdminCreated(ILogger logger, string user, string login);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Chưa có tài khoản quản trị. Mở {Setup} và nhập mã thiết lập {Code} để tạo tài khoản đầu tiên / No admin yet: open {Setup} and enter the one-time setup code {Code} to create the first one (or start with --Dashboard:AdminPassword=...)")]
        private static partial void LogSetup(ILogger logger, string setup, string code);
    }
}
