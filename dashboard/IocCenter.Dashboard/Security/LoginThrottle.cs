using System.Collections.Concurrent;

namespace IocCenter.Dashboard.Security;

/// <summary>
/// Slows password guessing at <c>/login</c>, in memory: after <see cref="DashboardSecurityOptions.LockoutFailures"/>
/// wrong passwords in a row an account is locked for <see cref="DashboardSecurityOptions.LockoutDuration"/> (even the
/// right password is refused meanwhile), and one client address may try at most
/// <see cref="DashboardSecurityOptions.LoginAttemptsPerMinute"/> times a minute whatever the account. A successful
/// sign-in clears the account's count. A restart clears everything (an attacker cannot restart the server).
/// </summary>
public sealed class LoginThrottle(DashboardSecurityOptions options, TimeProvider time)
{
    private const int MaxTracked = 100_000; // bounded: a flood of made-up names or addresses cannot grow it forever

    private readonly ConcurrentDictionary<string, Failures> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Window> _clients = new(StringComparer.Ordinal);

    /// <summary>Whether an attempt may be checked at all; if not, how long until it may.</summary>
    public TimeSpan? Refusal(string userName, string client)
    {
        var now = time.GetUtcNow();
        Trim();
        var window = _clients.AddOrUpdate(client, _ => new Window(now, 1), (_, w) => now - w.Start >= TimeSpan.FromMinutes(1) ? new Window(now, 1) : w with { Count = w.Count + 1 });
        if (window.Count > options.LoginAttemptsPerMinute)
        {
            return window.Start + TimeSpan.FromMinutes(1) - now;
        }

        return _accounts.TryGetValue(userName, out var failures) && failures.LockedUntil is { } until && until > now ? until - now : null;
    }

    /// <summary>A wrong password for <paramref name="userName"/>; true when it has just locked the account.</summary>
    public bool Failed(string userName)
    {
        var now = time.GetUtcNow();
        var failures = _accounts.AddOrUpdate(userName, _ => new Failures(1, null), (_, f) => f.LockedUntil is { } until && until <= now ? new Failures(1, null) : f with { Count = f.Count + 1 });
        if (failures.Count >= options.LockoutFailures && failures.LockedUntil is null)
        {
            _accounts[userName] = failures with { LockedUntil = now + options.LockoutDuration };
            return true;
        }

        return false;
    }

    public void Succeeded(string userName) => _accounts.TryRemove(userName, out _);

    private void Trim()
    {
        if (_clients.Count > MaxTracked)
        {
            _clients.Clear();
        }

        if (_accounts.Count > MaxTracked)
        {
            var now = time.GetUtcNow();
            foreach (var (name, failures) in _accounts)
            {
                if (failures.LockedUntil is null || failures.LockedUntil <= now)
                {
                    _accounts.TryRemove(name, out _);
                }
            }
        }
    }

    private sealed record Failures(int Count, DateTimeOffset? LockedUntil);

    private sealed record Window(DateTimeOffset Start, int Count);
}
