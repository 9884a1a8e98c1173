using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace IocCenter.Dashboard.Security;

/// <summary>
/// Re-checks a sign-in cookie against the users database at most every <see cref="DashboardSecurityOptions.SessionCheckInterval"/>:
/// a cookie whose person was deleted, disabled, or whose security stamp changed since (log out, a new password, a new
/// role) is refused and cleared. The database is shared by every instance, so a session ended on one ends on all
/// within the interval; on the instance that ended it, at once.
/// </summary>
public sealed partial class SessionCheck(UserStore users, IOptions<DashboardSecurityOptions> options, TimeProvider time, ILogger<SessionCheck> logger)
{
    public const string StampClaim = "security_stamp";
    private const string CheckedAt = "iocc.checked";

    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var now = time.GetUtcNow();
        var items = context.Properties.Items;
        if (items.TryGetValue(CheckedAt, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            var checkedAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            var since = now - checkedAt;
            if (since >= TimeSpan.Zero && since < options.Value.SessionCheckInterval
                && !(PersonOf(context.Principal) is { } person && users.EndedHereSince(person.Id, checkedAt)))
            {
                return;
            }
        }

        if (!Holds(context.Principal))
        {
            LogEnded(logger, context.Principal?.Identity?.Name ?? "?");
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        items[CheckedAt] = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        context.ShouldRenew = true;
    }

    /// <summary>Whether a person's session is still good now (their stamp is the database's and they are enabled).</summary>
    public bool Holds(ClaimsPrincipal? principal) =>
        PersonOf(principal) is { } person && users.ActiveStamp(person.Id) is { } current && string.Equals(current, person.Stamp, StringComparison.Ordinal);

    /// <summary>The person and the stamp a cookie was issued with; null for a wall or a cookie from before stamps.</summary>
    public static (long Id, string Stamp)? PersonOf(ClaimsPrincipal? principal) =>
        principal?.FindFirstValue(ClaimTypes.NameIdentifier) is { } id && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
        && principal.FindFirstValue(StampClaim) is { Length: > 0 } stamp
            ? (number, stamp)
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Phiên đăng nhập của '{User}' đã hết hiệu lực (đăng xuất, đổi mật khẩu, bị khóa, bị xóa hoặc đổi vai trò) / Session of '{User}' ended (logged out, new password, disabled, deleted or role changed)")]
    private static partial void LogEnded(ILogger logger, string user);
}
