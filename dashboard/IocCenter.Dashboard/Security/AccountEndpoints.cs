using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace IocCenter.Dashboard.Security;

/// <summary>Log in, log out, and the one-time setup of the first admin: small server-rendered forms with anti-forgery tokens.</summary>
public static partial class AccountEndpoints
{
    public static void MapAccount(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, [FromQuery] string? returnUrl, [FromQuery] string? lang) =>
            Page(context, antiforgery, lang, error: null, returnUrl));

        app.MapPost("/login", async (HttpContext context, IAntiforgery antiforgery, UserStore users, LoginThrottle throttle, ILoggerFactory loggers, [FromForm] string userName, [FromForm] string password, [FromForm] string? returnUrl, [FromForm] string? lang) =>
        {
            var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            if (throttle.Refusal(userName, client) is { } wait)
            {
                var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Page(context, antiforgery, lang, error: string.Format(CultureInfo.InvariantCulture, Text(lang).Locked, minutes), returnUrl, StatusCodes.Status429TooManyRequests);
            }

            if (users.Verify(userName, password) is not { } user)
            {
                if (throttle.Failed(userName))
                {
                    LogLocked(loggers.CreateLogger("IocCenter.Dashboard.Login"), userName, client);
                }

                return Page(context, antiforgery, lang, error: Text(lang).Wrong, returnUrl, StatusCodes.Status401Unauthorized);
            }

            throttle.Succeeded(userName);

            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SecurityRegistration.Principal(user));
            var target = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : user.Role == Roles.Viewer ? "/wall" : "/console";
            return Results.Redirect(target);
        });

        app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        }).RequireAuthorization();

        app.MapGet("/setup", (HttpContext context, IAntiforgery antiforgery, SetupCode setup, [FromQuery] string? lang) =>
            setup.Current is null ? Results.Redirect("/login") : SetupPage(context, antiforgery, lang, null));

        app.MapPost("/setup", async (HttpContext context, IAntiforgery antiforgery, SetupCode setup, UserStore users, [FromForm] string code, [FromForm] string userName, [FromForm] string password, [FromForm] string? lang) =>
        {
            if (PasswordPolicy.Problem(password) is { } problem)
            {
                return SetupPage(context, antiforgery, lang, Text(lang).Weak + " (" + problem + ")", StatusCodes.Status400BadRequest);
            }

            if (users.AnyUser() || !setup.TryUse(code))
            {
                return SetupPage(context, antiforgery, lang, Text(lang).BadCode, StatusCodes.Status400BadRequest);
            }

            var admin = users.Create(userName, userName, Roles.Admin, password);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SecurityRegistration.Principal(admin));
            return Results.Redirect("/console");
        });
    }

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string? lang, string? error, string? returnUrl, int status = 200)
    {
        var t = Text(lang);
        var token = antiforgery.GetAndStoreTokens(context);
        var body = $"""
            <form method="post" action="/login">
              <input type="hidden" name="{E(token.FormFieldName)}" value="{E(token.RequestToken!)}">
              <input type="hidden" name="returnUrl" value="{E(returnUrl ?? string.Empty)}">
              <input type="hidden" name="lang" value="{E(lang ?? string.Empty)}">
              <label>{t.User}<input name="userName" autocomplete="username" required autofocus></label>
              <label>{t.Password}<input name="password" type="password" autocomplete="current-password" required></label>
              {(error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
              <button type="submit">{t.Login}</button>
            </form>
            """;
        return Html(t.LoginTitle, body, lang, status);
    }

    private static IResult SetupPage(HttpContext context, IAntiforgery antiforgery, string? lang, string? error, int status = 200)
    {
        var t = Text(lang);
        var token = antiforgery.GetAndStoreTokens(context);
        var body = $"""
            <p>{t.SetupHelp}</p>
            <form method="post" action="/setup">
              <input type="hidden" name="{E(token.FormFieldName)}" value="{E(token.RequestToken!)}">
              <input type="hidden" name="lang" value="{E(lang ?? string.Empty)}">
              <label>{t.Code}<input name="code" required autofocus autocomplete="off"></label>
              <label>{t.User}<input name="userName" value="admin" required></label>
              <label>{t.Password}<input name="password" type="password" autocomplete="new-password" minlength="10" required></label>
              {(error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
              <button type="submit">{t.Create}</button>
            </form>
            """;
        return Html(t.SetupTitle, body, lang, status);
    }

    private static IResult Html(string title, string body, string? lang, int status) => Results.Content($$"""
        <!DOCTYPE html>
        <html lang="{{(lang == "en" ? "en" : "vi")}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}} — IOC</title><link rel="stylesheet" href="/css/console.css"></head>
        <body class="account"><main class="account-box"><h1>{{E(title)}}</h1>{{body}}
        <p class="lang"><a href="?lang=vi">Tiếng Việt</a> · <a href="?lang=en">English</a></p></main></body></html>
        """, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);

    private static string E(string value) => WebUtility.HtmlEncode(value);

    private static Words Text(string? lang) => lang == "en"
        ? new("Sign in", "User name", "Password", "Sign in", "Wrong user name or password.", "First administrator", "Enter the one-time setup code printed in the server's log, then choose the administrator's name and password (at least 10 characters).", "Setup code", "Create administrator", "The setup code is not valid (or an administrator already exists).", "The password is too weak", "Too many attempts: sign-in is paused for this account or this computer. Try again in {0} min.")
        : new("Đăng nhập", "Tên đăng nhập", "Mật khẩu", "Đăng nhập", "Sai tên đăng nhập hoặc mật khẩu.", "Quản trị viên đầu tiên", "Nhập mã thiết lập một lần in trong nhật ký của máy chủ, rồi chọn tên và mật khẩu quản trị (ít nhất 10 ký tự).", "Mã thiết lập", "Tạo tài khoản quản trị", "Mã thiết lập không đúng (hoặc đã có tài khoản quản trị).", "Mật khẩu quá yếu", "Thử quá nhiều lần: tạm dừng đăng nhập cho tài khoản hoặc máy này. Thử lại sau {0} phút.");

    private sealed record Words(string LoginTitle, string User, string Password, string Login, string Wrong, string SetupTitle, string SetupHelp, string Code, string Create, string BadCode, string Weak, string Locked);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tài khoản '{User}' bị tạm khóa sau nhiều lần sai mật khẩu (từ {Client}) / Account '{User}' locked after repeated wrong passwords (from {Client})")]
    private static partial void LogLocked(ILogger logger, string user, string client);
}
