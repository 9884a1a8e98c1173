using System.Net;
using IocCenter.Dashboard.Security;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IocCenter.DashboardTests;

/// <summary>Password guessing at /login: account lockout and a per-address limit, on a fake clock and through the real host.</summary>
public sealed class LoginThrottleTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-22T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly LoginThrottle _throttle;

    public LoginThrottleTests() =>
        _throttle = new LoginThrottle(new DashboardSecurityOptions { LockoutFailures = 5, LockoutDuration = TimeSpan.FromMinutes(15), LoginAttemptsPerMinute = 1000 }, _time);

    [Fact]
    public void FiveWrongPasswordsInARow_LockTheAccountFor15Minutes_AndOnlyThatAccount()
    {
        for (var i = 0; i < 4; i++)
        {
            Assert.False(_throttle.Failed("officer-a"));
        }

        Assert.Null(_throttle.Refusal("officer-a", "10.0.0.9"));
        Assert.True(_throttle.Failed("officer-a"));
        Assert.Equal(TimeSpan.FromMinutes(15), _throttle.Refusal("OFFICER-A", "10.0.0.9")); // names are case-insensitive
        Assert.Null(_throttle.Refusal("officer-b", "10.0.0.9"));

        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.Null(_throttle.Refusal("officer-a", "10.0.0.9"));
        Assert.False(_throttle.Failed("officer-a")); // a fresh count after the lock ends
    }

    [Fact]
    public void ASuccess_ClearsTheCount()
    {
        for (var i = 0; i < 4; i++)
        {
            _throttle.Failed("officer-a");
        }

        _throttle.Succeeded("officer-a");
        Assert.False(_throttle.Failed("officer-a"));
        Assert.Null(_throttle.Refusal("officer-a", "10.0.0.9"));
    }

    [Fact]
    public void OneAddress_MayTryAtMostTheLimitAMinute_WhateverTheAccount()
    {
        var throttle = new LoginThrottle(new DashboardSecurityOptions { LoginAttemptsPerMinute = 20 }, _time);
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(throttle.Refusal("user-" + i, "10.0.0.9"));
        }

        Assert.Equal(TimeSpan.FromMinutes(1), throttle.Refusal("user-x", "10.0.0.9"));
        Assert.Null(throttle.Refusal("user-x", "10.0.0.10"));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(throttle.Refusal("user-x", "10.0.0.9"));
    }

    [Fact]
    public async Task TheLoginForm_RefusesEvenTheRightPasswordWhileLocked_InVietnamese_ThenLetsItIn()
    {
        var data = Path.Combine(Path.GetTempPath(), "iocc-login-" + Guid.NewGuid().ToString("N")[..8]);
        const string password = "login-tests-Đồng-Tháp-2026";
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("AllInOne:BrokerPort", TestSupport.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("AllInOne:BrokerAddress", "127.0.0.1");
            web.UseSetting("AllInOne:DataPath", data);
            web.UseSetting("AllInOne:Simulators", "false");
            web.UseSetting("Analytics:MlEnabled", "false");
            web.UseSetting("Dashboard:AdminPassword", password);
            web.UseSetting("Dashboard:LockoutDuration", "00:00:02");
        });
        try
        {
            var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await TestSupport.TryLoginAsync(client, "admin", "guess-" + i)).StatusCode);
            }

            var locked = await TestSupport.TryLoginAsync(client, "admin", password);
            Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
            Assert.Contains("Thử quá nhiều lần", WebUtility.HtmlDecode(await locked.Content.ReadAsStringAsync()), StringComparison.Ordinal);
            Assert.True(int.Parse(locked.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 2);

            await Task.Delay(TimeSpan.FromSeconds(2.5));
            Assert.Equal(HttpStatusCode.Redirect, (await TestSupport.TryLoginAsync(client, "admin", password)).StatusCode);
        }
        finally
        {
            await factory.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}
