using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace IocCenter.Dashboard.Security;

/// <summary>
/// Log in, log out, change one's own password, and the one-time setup of the first admin: small server-rendered forms
/// with anti-forgery tokens (so every role, a viewer too, can use them).
/// </summary>
public static partial class AccountEndpoints
{
    public static void MapAccount(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, [FromQuery] string? returnUrl, [FromQuery] string? lang) =>
            Page(context, antiforgery, lang, error: null, IsLocalUrl(returnUrl) ? returnUrl : null));

        app.MapPost("/login", async (HttpContext context, IAntiforgery antiforgery, UserStore users, LoginThrottle throttle, ILoggerFactory loggers, [FromForm] string userName, [FromForm] string password, [FromForm] string? returnUrl, [FromForm] string? lang) =>
        {
            returnUrl = IsLocalUrl(returnUrl) ? returnUrl : null;
            if (NameRule.Problem(userName, NameOf.UserName, out userName) is not null || password.Length > PasswordPolicy.MaxLength)
            {
                return Page(context, antiforgery, lang, error: Text(lang).BadName, returnUrl, StatusCodes.Status400BadRequest);
            }

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
            return Results.Redirect(returnUrl ?? (user.Role == Roles.Viewer ? "/wall" : "/console"));
        });

        app.MapPost("/logout", async (HttpContext context, IAntiforgery antiforgery, UserStore users, Live.LiveBroadcaster live) =>
        {
            // With its token only: SameSite does not stop a page on a sibling port or subdomain from logging officers out.
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.Text("Không đăng xuất được từ trang này: hãy bấm Đăng xuất trên trang của hệ thống / Missing anti-forgery token: log out from IocCenter's own page.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
            }

            // The cookie is not just forgotten by this browser: every copy of it stops working, on every instance.
            if (SessionCheck.PersonOf(context.User) is { } person)
            {
                users.EndSessions(person.Id);
                live.DisconnectPeople((id, _) => id == person.Id);
            }

            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        }).RequireAuthorization();

        app.MapGet("/account/password", (HttpContext context, IAntiforgery antiforgery, [FromQuery] string? lang) =>
            PasswordPage(context, antiforgery, lang, null, null))
            .RequireAuthorization(Policies.Person);

        app.MapPost("/account/password", async (HttpContext context, IAntiforgery antiforgery, UserStore users, LoginThrottle throttle, Live.LiveBroadcaster live,
            [FromForm] string currentPassword, [FromForm] string newPassword, [FromForm] string confirmPassword, [FromForm] string? lang) =>
        {
            var t = Text(lang);
            if (SessionCheck.PersonOf(context.User) is not { } person || users.Find(person.Id) is not { } me)
            {
                return Results.Redirect("/login");
            }

            var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            if (throttle.Refusal(me.UserName, client) is { } wait)
            {
                var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
                return PasswordPage(context, antiforgery, lang, string.Format(CultureInfo.InvariantCulture, t.Locked, minutes), null, StatusCodes.Status429TooManyRequests);
            }

            if (currentPassword.Length > PasswordPolicy.MaxLength || users.Verify(me.UserName, currentPassword) is null)
            {
                throttle.Failed(me.UserName);
                return PasswordPage(context, antiforgery, lang, t.WrongCurrent, null, StatusCodes.Status400BadRequest);
            }

            if (!string.Equals(newPassword, confirmPassword, StringComparison.Ordinal))
            {
                return PasswordPage(context, antiforgery, lang, t.Mismatch, null, StatusCodes.Status400BadRequest);
            }

            if (PasswordPolicy.Problem(newPassword, me.UserName) is { } problem)
            {
                return PasswordPage(context, antiforgery, lang, Sentence(problem, lang), null, StatusCodes.Status400BadRequest);
            }

            // Every session of this person ends (a stolen cookie with it); this browser is signed in again with the new stamp.
            users.SetPassword(me.Id, newPassword);
            live.DisconnectPeople((id, _) => id == me.Id);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SecurityRegistration.Principal(users.Find(me.Id)!));
            return PasswordPage(context, antiforgery, lang, null, t.Changed);
        }).RequireAuthorization(Policies.Person);

        app.MapGet("/setup", (HttpContext context, IAntiforgery antiforgery, SetupCode setup, [FromQuery] string? lang) =>
            setup.Current is null ? Results.Redirect("/login") : SetupPage(context, antiforgery, lang, null));

        app.MapPost("/setup", async (HttpContext context, IAntiforgery antiforgery, SetupCode setup, UserStore users, [FromForm] string code, [FromForm] string userName, [FromForm] string password, [FromForm] string? lang) =>
        {
            if (NameRule.Problem(userName, NameOf.UserName, out userName) is not null)
            {
                return SetupPage(context, antiforgery, lang, Text(lang).BadName, StatusCodes.Status400BadRequest);
            }

            if (PasswordPolicy.Problem(password, userName) is { } problem)
            {
                return SetupPage(context, antiforgery, lang, Sentence(problem, lang), StatusCodes.Status400BadRequest);
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
              <label>{t.User}<input name="userName" autocomplete="username" maxlength="{NameRule.MaxLength}" required autofocus></label>
              <label>{t.Password}<input name="password" type="password" autocomplete="current-password" required></label>
              {(error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
              <button type="submit">{t.Login}</button>
            </form>
            """;
        return Html(t.LoginTitle, body, lang, status);
    }

    /// <summary>
    /// Only a path on this site: <c>/console</c>, not <c>//evil.example</c>, <c>/\evil.example</c> (browsers read both as
    /// another host) or a full address. The rule of ASP.NET Core's <c>IUrlHelper.IsLocalUrl</c>.
    /// </summary>
    public static bool IsLocalUrl([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/')
        {
            return false;
        }

        if (url.Length > 1 && url[1] is '/' or '\\')
        {
            return false;
        }

        foreach (var c in url)
        {
            // Printable ASCII only: a redirect's Location header takes nothing else (é answered 500 after a good password).
            if (c is < (char)0x21 or > (char)0x7E)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The half of a "Vietnamese / English" sentence for the page's language.</summary>
    private static string Sentence(string both, string? lang)
    {
        var split = both.IndexOf(" / ", StringComparison.Ordinal);
        return split < 0 ? both : lang == "en" ? both[(split + 3)..] : both[..split];
    }

    private static IResult PasswordPage(HttpContext context, IAntiforgery antiforgery, string? lang, string? error, string? done, int status = 200)
    {
        var t = Text(lang);
        var token = antiforgery.GetAndStoreTokens(context);
        var back = context.User.IsInRole(Roles.Viewer) ? "/wall" : "/console";
        var body = $"""
            <p>{E(t.PasswordHelp)}</p>
            <form method="post" action="/account/password">
              <input type="hidden" name="{E(token.FormFieldName)}" value="{E(token.RequestToken!)}">
              <input type="hidden" name="lang" value="{E(lang ?? string.Empty)}">
              <label>{t.Current}<input name="currentPassword" type="password" autocomplete="current-password" required autofocus></label>
              <label>{t.New}<input name="newPassword" type="password" autocomplete="new-password" minlength="{PasswordPolicy.MinLength}" maxlength="{PasswordPolicy.MaxLength}" required></label>
              <label>{t.Confirm}<input name="confirmPassword" type="password" autocomplete="new-password" minlength="{PasswordPolicy.MinLength}" maxlength="{PasswordPolicy.MaxLength}" required></label>
              {(error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
              {(done is null ? string.Empty : $"<p class=\"done\" role=\"status\">{E(done)}</p>")}
              <button type="submit">{t.ChangePassword}</button>
            </form>
            <p><a href="{back}{(lang == "en" ? "?lang=en" : string.Empty)}">{t.Back}</a></p>
            """;
        return Html(t.ChangePassword, body, lang, status);
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
              <label>{t.User}<input name="userName" value="admin" maxlength="{NameRule.MaxLength}" required></label>
              <label>{t.Password}<input name="password" type="password" autocomplete="new-password" minlength="10" required></label>
              {(error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
              <button type="submit">{t.Create}</button>
            </form>
            """;
        return Html(t.SetupTitle, body, lang, status);
    }

    /// <summary>The 403 page: who is signed in, what their role may open, and the ways on (the wall, another account).</summary>
    public static Task ForbiddenAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var lang = context.Request.Query["lang"].ToString() == "en" ? "en" : null;
        var user = context.User;
        var name = user.FindFirst("display_name")?.Value ?? user.Identity?.Name ?? string.Empty;
        var role = user.IsInRole(Roles.Admin) ? Roles.Admin : user.IsInRole(Roles.Officer) ? Roles.Officer : Roles.Viewer;
        var en = lang == "en";
        var roleName = (role, en) switch
        {
            (Roles.Admin, false) => "quản trị viên",
            (Roles.Officer, false) => "cán bộ trực",
            (_, false) => "người xem",
            (Roles.Admin, true) => "an administrator",
            (Roles.Officer, true) => "a duty officer",
            _ => "a viewer",
        };
        var may = (role, en) switch
        {
            (Roles.Officer, false) => "Tài khoản cán bộ trực mở được màn hình giám sát, trang xử lý sự cố và trang thiết bị; trang quản trị chỉ dành cho quản trị viên.",
            (_, false) => "Tài khoản người xem chỉ mở được màn hình giám sát. Trang xử lý sự cố và trang thiết bị dành cho cán bộ trực và quản trị viên; nếu cần, đề nghị quản trị viên đổi vai trò cho tài khoản.",
            (Roles.Officer, true) => "A duty officer's account opens the screen wall, the incident desk and the device pages; administration is for administrators.",
            _ => "A viewer's account opens the screen wall only. The incident desk and the device pages are for duty officers and administrators; ask an administrator to change the account's role if you need them.",
        };
        var returnUrl = context.Request.Path + context.Request.QueryString;
        var query = en ? "?lang=en" : string.Empty;
        var body = $"""
            <p class="error" role="alert">{E(en ? $"You are signed in as {name}, {roleName}: this page is not open to your account." : $"Bạn đang đăng nhập bằng tài khoản {name} ({roleName}); tài khoản này không có quyền mở trang này.")}</p>
            <p>{E(may)}</p>
            <p><a href="/wall{query}">{(en ? "Open the screen wall" : "Mở màn hình giám sát")}</a> · <a href="/login?returnUrl={Uri.EscapeDataString(returnUrl)}{(en ? "&lang=en" : string.Empty)}">{(en ? "Sign in with another account" : "Đăng nhập bằng tài khoản khác")}</a></p>
            """;
        return Html(en ? "Not allowed" : "Không có quyền truy cập", body, lang, StatusCodes.Status403Forbidden).ExecuteAsync(context);
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
        ? new("Sign in", "User name", "Password", "Sign in", "Wrong user name or password.", "First administrator",
            "Enter the one-time setup code printed in the server's log, then choose the administrator's user name and password (at least 10 characters, not one character repeated, not a common password, not the user name).",

            "Setup code", "Create administrator", "The setup code is not valid (or an administrator already exists).",
            "Too many attempts: sign-in is paused for this account or this computer. Try again in {0} min.",
            "The user name must be 1 to 64 characters, with no hidden ones.", "Change my password",
            "Your other sessions (other browsers, other computers) end when the password changes. The new password: at least 10 characters, not one character repeated, not a common password, not your user name.",
            "Current password", "New password", "New password again", "The current password is wrong.", "The two new passwords differ.",
            "Password changed. Your other sessions have ended.", "Back")
        : new("Đăng nhập", "Tên đăng nhập", "Mật khẩu", "Đăng nhập", "Sai tên đăng nhập hoặc mật khẩu.", "Quản trị viên đầu tiên",
            "Nhập mã thiết lập dùng một lần (in trong nhật ký của máy chủ), rồi đặt tên đăng nhập và mật khẩu cho quản trị viên (ít nhất 10 ký tự, không phải một ký tự lặp lại, không phải mật khẩu phổ biến, không trùng tên đăng nhập).",
            "Mã thiết lập", "Tạo tài khoản quản trị", "Mã thiết lập không đúng (hoặc đã có tài khoản quản trị).",
            "Thử quá nhiều lần: tạm khóa đăng nhập đối với tài khoản hoặc máy này. Thử lại sau {0} phút.",
            "Tên đăng nhập phải có từ 1 đến 64 ký tự và không chứa ký tự ẩn.", "Đổi mật khẩu",
            "Khi đổi mật khẩu, các phiên đăng nhập khác của bạn (trình duyệt khác, máy khác) sẽ kết thúc. Mật khẩu mới: ít nhất 10 ký tự, không phải một ký tự lặp lại, không phải mật khẩu phổ biến, không trùng tên đăng nhập.",
            "Mật khẩu hiện tại", "Mật khẩu mới", "Nhập lại mật khẩu mới", "Mật khẩu hiện tại không đúng.", "Hai lần nhập mật khẩu mới không khớp.",
            "Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.", "Quay lại");

    private sealed record Words(string LoginTitle, string User, string Password, string Login, string Wrong, string SetupTitle, string SetupHelp, string Code, string Create, string BadCode, string Locked,
        string BadName, string ChangePassword, string PasswordHelp, string Current, string New, string Confirm, string WrongCurrent, string Mismatch, string Changed, string Back);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tài khoản '{User}' bị tạm khóa sau nhiều lần sai mật khẩu (từ {Client}) / Account '{User}' locked after repeated wrong passwords (from {Client})")]
    private static partial void LogLocked(ILogger logger, string user, string client);
}
