using System.Security.Claims;
using IocCenter.Dashboard.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IocCenter.DashboardTests;

/// <summary>The cookie's re-check against the users database, with fake time: an ended session is refused within the interval, not before it is due.</summary>
public sealed class SessionCheckTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "iocc-session-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero));
    private readonly UserStore _users;
    private readonly SessionCheck _check;
    private readonly SignOuts _signOuts = new();

    public SessionCheckTests()
    {
        _users = new UserStore(Path.Combine(_folder, "users.db"), _time);
        _check = new SessionCheck(_users, Options.Create(new DashboardSecurityOptions { SessionCheckInterval = TimeSpan.FromSeconds(30) }), _time, NullLogger<SessionCheck>.Instance);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>One request carrying the cookie's ticket; the principal after validation (null: refused).</summary>
    private async Task<ClaimsPrincipal?> RequestAsync(AuthenticationTicket ticket)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddSingleton<IAuthenticationService>(_signOuts).BuildServiceProvider() };
        var scheme = new AuthenticationScheme(CookieAuthenticationDefaults.AuthenticationScheme, null, typeof(CookieAuthenticationHandler));
        var context = new CookieValidatePrincipalContext(http, scheme, new CookieAuthenticationOptions(), ticket);
        await _check.ValidateAsync(context);
        return context.Principal;
    }

    [Fact]
    public async Task ASessionEndedOnAnotherInstance_IsRefusedOnceTheIntervalHasPassed_AndNotBefore()
    {
        var user = _users.Create("truc-ban", "Trực ban", Roles.Officer, "truc-ban-2026-dem");
        var ticket = new AuthenticationTicket(SecurityRegistration.Principal(user), CookieAuthenticationDefaults.AuthenticationScheme);
        Assert.NotNull(await RequestAsync(ticket)); // checked now: good

        new UserStore(Path.Combine(_folder, "users.db"), _time).EndSessions(user.Id); // another instance on the shared database
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull(await RequestAsync(ticket)); // not due yet: the database is not asked on every request

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await RequestAsync(ticket));
        Assert.Equal(1, _signOuts.Count);
    }

    [Fact]
    public async Task ASessionEndedOnThisInstance_IsRefusedAtOnce()
    {
        var user = _users.Create("truc-dem", "Trực đêm", Roles.Officer, "truc-dem-2026-an-toan");
        var ticket = new AuthenticationTicket(SecurityRegistration.Principal(user), CookieAuthenticationDefaults.AuthenticationScheme);
        Assert.NotNull(await RequestAsync(ticket));
        _time.Advance(TimeSpan.FromSeconds(1));

        _users.EndSessions(user.Id);

        Assert.Null(await RequestAsync(ticket));
    }

    [Theory]
    [InlineData("disable")]
    [InlineData("delete")]
    [InlineData("role")]
    [InlineData("password")]
    public async Task AChangeToThePerson_EndsTheirSession(string change)
    {
        _users.Create("quan-tri", "Quản trị", Roles.Admin, "quan-tri-2026-an-toan");
        var user = _users.Create("can-bo", "Cán bộ", Roles.Officer, "can-bo-2026-an-toan");
        var ticket = new AuthenticationTicket(SecurityRegistration.Principal(user), CookieAuthenticationDefaults.AuthenticationScheme);
        Assert.NotNull(await RequestAsync(ticket));

        Assert.Equal(PersonChange.Done, change switch
        {
            "disable" => _users.SetDisabled(user.Id, true),
            "delete" => _users.Delete(user.Id),
            "role" => _users.SetRole(user.Id, Roles.Viewer),
            _ => _users.SetPassword(user.Id, "mat-khau-moi-2026"),
        });
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Null(await RequestAsync(ticket));
    }

    [Fact]
    public async Task ACookieFromBeforeStamps_IsRefused()
    {
        var user = _users.Create("cu", "Cũ", Roles.Officer, "tai-khoan-cu-2026");
        var old = new ClaimsPrincipal(new ClaimsIdentity(SecurityRegistration.Principal(user).Claims.Where(c => c.Type != SessionCheck.StampClaim), CookieAuthenticationDefaults.AuthenticationScheme));

        Assert.Null(await RequestAsync(new AuthenticationTicket(old, CookieAuthenticationDefaults.AuthenticationScheme)));
    }

    private sealed class SignOuts : IAuthenticationService
    {
        public int Count { get; private set; }

        public Task SignOutAsync(HttpContext context, string? scheme, AuthenticationProperties? properties)
        {
            Count++;
            return Task.CompletedTask;
        }

        public Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string? scheme) => throw new NotSupportedException();

        public Task ChallengeAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();

        public Task ForbidAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();

        public Task SignInAsync(HttpContext context, string? scheme, ClaimsPrincipal principal, AuthenticationProperties? properties) => throw new NotSupportedException();
    }
}
