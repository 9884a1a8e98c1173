using System.Collections.Concurrent;
using Cronos;

namespace IocCenter.Analytics.Maintenance;

/// <summary>
/// When a maintenance window covers an instant, when that cover ends and when it next begins; and what it covers.
/// Every question takes the instant it is about: nothing here reads a clock.
/// </summary>
public static partial class MaintenanceSchedule
{
    /// <summary>Cron expressions are written in Vietnam's local time (UTC+7, no daylight saving).</summary>
    public static readonly TimeZoneInfo VietnamTime = FindVietnamTime();

    // Windows are few and their crons fewer; the bound only guards against a store full of distinct rows.
    private const int CronCacheLimit = 256;
    private static readonly ConcurrentDictionary<string, CronExpression?> Crons = new(StringComparer.Ordinal);

    // Overlapping or touching occurrences (which Validate refuses) are followed this far, no further.
    private const int ChainLimit = 64;

    /// <summary>Whether the window suppresses alarms at <paramref name="at"/>.</summary>
    public static bool Covers(MaintenanceWindow w, DateTimeOffset at) => CoveringOccurrence(w, at) is not null;

    /// <summary>When the cover that holds at <paramref name="at"/> ends; null when the window does not cover it.</summary>
    public static DateTimeOffset? CurrentEnd(MaintenanceWindow w, DateTimeOffset at)
    {
        if (CoveringOccurrence(w, at) is not { } start)
        {
            return null;
        }

        DateTimeOffset end;
        if (w.Cron is null)
        {
            end = w.EndsAt!.Value;
        }
        else
        {
            var cron = ParseCached(w.Cron)!;
            var duration = w.Duration!.Value;
            end = start + duration;
            for (var i = 0; i < ChainLimit; i++)
            {
                var next = cron.GetNextOccurrence(start, VietnamTime, inclusive: false);
                if (next is not { } n || n > end || (w.EndsAt is { } stop && n >= stop) || (w.CancelledAt is { } c && n >= c))
                {
                    break;
                }

                start = n;
                end = n + duration > end ? n + duration : end;
            }
        }

        return w.CancelledAt is { } cancelled && cancelled < end ? cancelled : end;
    }

    /// <summary>The next instant strictly after <paramref name="after"/> at which a cover begins; null when none will.</summary>
    public static DateTimeOffset? NextStart(MaintenanceWindow w, DateTimeOffset after)
    {
        if (w.Cron is null)
        {
            var opens = w.StartsAt > after && w.EndsAt is { } ends && ends > w.StartsAt;
            return opens && (w.CancelledAt is not { } c || w.StartsAt < c) ? w.StartsAt : null;
        }

        if (ParseCached(w.Cron) is not { } cron || w.Duration is not { } duration || duration <= TimeSpan.Zero)
        {
            return null;
        }

        var start = w.StartsAt > after
            ? cron.GetNextOccurrence(w.StartsAt, VietnamTime, inclusive: true)
            : cron.GetNextOccurrence(after, VietnamTime, inclusive: false);
        var stopped = start is { } s && ((w.EndsAt is { } stop && s >= stop) || (w.CancelledAt is { } cancelled && s >= cancelled));
        return stopped ? null : start;
    }

    /// <summary>
    /// Whether the window is about this subject. A device subject carries its area and domain too; an area-level
    /// subject (no device) is matched by area and domain windows, never by a device window.
    /// </summary>
    public static bool Matches(MaintenanceWindow w, string? deviceId, string? area, string? domain) => w.Scope switch
    {
        MaintenanceScope.Device => deviceId is not null && string.Equals(deviceId, w.Target, StringComparison.Ordinal),
        MaintenanceScope.Area => area is not null && string.Equals(area, w.Target, StringComparison.Ordinal),
        MaintenanceScope.Domain => domain is not null && string.Equals(domain, w.Target, StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>The start of the one-off window or of the cron occurrence that covers <paramref name="at"/>, if any.</summary>
    private static DateTimeOffset? CoveringOccurrence(MaintenanceWindow w, DateTimeOffset at)
    {
        if (at < w.StartsAt || (w.CancelledAt is { } cancelled && at >= cancelled))
        {
            return null;
        }

        if (w.Cron is null)
        {
            return w.EndsAt is { } ends && at < ends ? w.StartsAt : null;
        }

        // A stored row that no longer parses covers nothing: its alarms go through rather than the check throwing.
        if (ParseCached(w.Cron) is not { } cron || w.Duration is not { } duration || duration <= TimeSpan.Zero)
        {
            return null;
        }

        // The earliest occurrence o with o > at - Duration (so at < o + Duration) and o >= StartsAt; it covers
        // when it has already begun. Occurrences only grow, so no later one can do better.
        var occurrence = at - w.StartsAt < duration
            ? cron.GetNextOccurrence(w.StartsAt, VietnamTime, inclusive: true)
            : cron.GetNextOccurrence(at - duration, VietnamTime, inclusive: false);
        return occurrence is { } o && o <= at && (w.EndsAt is not { } stop || o < stop) ? o : null;
    }

    private static CronExpression? ParseCached(string text)
    {
        if (Crons.TryGetValue(text, out var cached))
        {
            return cached;
        }

        if (Crons.Count >= CronCacheLimit)
        {
            Crons.Clear();
        }

        var parsed = TryParseCron(text);
        Crons[text] = parsed;
        return parsed;
    }

    private static CronExpression? TryParseCron(string text)
    {
        try
        {
            return CronExpression.TryParse(text, CronFormat.Standard, out var cron) ? cron : null;
        }
        catch (MissingSeedException)
        {
            // "H" (hashed) fields need a seed, which a maintenance schedule never has.
            return null;
        }
        catch (CronFormatException)
        {
            return null;
        }
    }

    private static TimeZoneInfo FindVietnamTime()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            // A container without tzdata: Vietnam has kept UTC+7 without daylight saving since 1975.
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Ho_Chi_Minh", TimeSpan.FromHours(7), "Giờ Việt Nam (UTC+7)", "Indochina Time");
        }
    }
}
