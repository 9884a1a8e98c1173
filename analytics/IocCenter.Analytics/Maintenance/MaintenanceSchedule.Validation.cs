using IocCenter.Telemetry;

namespace IocCenter.Analytics.Maintenance;

public static partial class MaintenanceSchedule
{
    public const int TargetMaxLength = 128;
    public const int ReasonMaxLength = 500;
    public static readonly TimeSpan OneOffMaxLength = TimeSpan.FromDays(31);
    public static readonly TimeSpan RecurringMaxDuration = TimeSpan.FromDays(7);

    private const int CronMaxLength = 120;

    // Occurrences checked for a gap after each one: enough for every cron a person writes by hand to show its
    // shortest gap, few enough to stay cheap.
    private const int GapCheckOccurrences = 50;

    private static readonly DateTimeOffset EarliestStart = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LatestInstant = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Null when the request can become a window; otherwise the first problem as one sentence, Vietnamese then English.
    /// Never throws, whatever the request holds.
    /// </summary>
    public static string? Validate(MaintenanceRequest r, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (ParseScope(r.Scope) is not { } scope)
        {
            return "Phạm vi phải là thiết bị (device), khu vực (area) hoặc lĩnh vực (domain) / The scope must be device, area or domain";
        }

        if (TargetProblem(scope, r.Target) is { } targetProblem)
        {
            return targetProblem;
        }

        if (string.IsNullOrWhiteSpace(r.Reason))
        {
            return "Cần ghi lý do bảo trì / A reason is required";
        }

        if (r.Reason.Length > ReasonMaxLength)
        {
            return $"Lý do dài quá {ReasonMaxLength} ký tự / The reason is longer than {ReasonMaxLength} characters";
        }

        if (Agencies.PlainText.Problem(r.Reason) is { } reasonProblem)
        {
            return "Lý do: " + reasonProblem.Replace(" / ", " / The reason: ", StringComparison.Ordinal);
        }

        if (r.StartsAt < EarliestStart || r.StartsAt >= LatestInstant || r.EndsAt > LatestInstant)
        {
            return "Thời gian phải trong khoảng năm 2000 đến 2099 / Times must fall between the years 2000 and 2099";
        }

        var recurring = !string.IsNullOrWhiteSpace(r.Cron);
        if (!recurring && r.EndsAt is null)
        {
            return "Cửa sổ một lần cần giờ kết thúc / A one-off window needs an end";
        }

        if (r.EndsAt is { } ends && ends <= r.StartsAt)
        {
            return "Giờ kết thúc phải sau giờ bắt đầu / The end must be after the start";
        }

        if (r.EndsAt is { } end && end <= now)
        {
            return "Giờ kết thúc đã qua / The end is in the past";
        }

        if (!recurring)
        {
            return r.EndsAt - r.StartsAt > OneOffMaxLength
                ? $"Cửa sổ một lần dài tối đa {OneOffMaxLength.TotalDays:0} ngày / A one-off window lasts at most {OneOffMaxLength.TotalDays:0} days"
                : null;
        }

        return RecurrenceProblem(r);
    }

    /// <summary>The window a valid request describes. Throws <see cref="ArgumentException"/> when <see cref="Validate"/> would refuse it.</summary>
    public static MaintenanceWindow ToWindow(this MaintenanceRequest r, long id, string user, DateTimeOffset now)
    {
        if (Validate(r, now) is { } problem)
        {
            throw new ArgumentException(problem, nameof(r));
        }

        var scope = ParseScope(r.Scope)!.Value;
        var target = r.Target.Trim();
        var recurring = !string.IsNullOrWhiteSpace(r.Cron);
        return new MaintenanceWindow(
            id,
            scope,
            scope == MaintenanceScope.Domain ? target.ToLowerInvariant() : target,
            r.StartsAt,
            r.EndsAt,
            recurring ? r.Cron!.Trim() : null,
            recurring ? TimeSpan.FromMinutes(r.DurationMinutes!.Value) : null,
            r.Reason.Trim(),
            user,
            now);
    }

    private static MaintenanceScope? ParseScope(string? scope) => scope?.Trim().ToLowerInvariant() switch
    {
        // Not Enum.TryParse: it also takes "0", "7" and "Device, Area".
        "device" => MaintenanceScope.Device,
        "area" => MaintenanceScope.Area,
        "domain" => MaintenanceScope.Domain,
        _ => null,
    };

    private static string? TargetProblem(MaintenanceScope scope, string? target)
    {
        if (string.IsNullOrWhiteSpace(target))
        {
            return "Cần chỉ rõ đối tượng bảo trì / The target is required";
        }

        if (target.Length > TargetMaxLength)
        {
            return $"Đối tượng dài quá {TargetMaxLength} ký tự / The target is longer than {TargetMaxLength} characters";
        }

        if (target.Any(char.IsControl))
        {
            return "Đối tượng chứa ký tự điều khiển / The target contains control characters";
        }

        return scope == MaintenanceScope.Domain && !TelemetryDomains.TryParse(target.Trim().ToLowerInvariant(), out _)
            ? "Lĩnh vực phải là traffic, environment hoặc connectivity / The domain must be traffic, environment or connectivity"
            : null;
    }

    private static string? RecurrenceProblem(MaintenanceRequest r)
    {
        var text = r.Cron!.Trim();
        if (text.Length > CronMaxLength || text.Any(char.IsControl))
        {
            return InvalidCron;
        }

        if (text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6)
        {
            return "Lịch lặp không dùng trường giây: cần 5 trường (phút giờ ngày tháng thứ) / The schedule cannot have seconds: it needs 5 fields (minute hour day month weekday)";
        }

        if (TryParseCron(text) is not { } cron)
        {
            return InvalidCron;
        }

        if (r.DurationMinutes is not { } minutes || minutes <= 0)
        {
            return "Cửa sổ lặp lại cần thời lượng lớn hơn 0 phút / A recurring window needs a duration above 0 minutes";
        }

        var duration = TimeSpan.FromMinutes(minutes);
        if (duration > RecurringMaxDuration)
        {
            return $"Thời lượng tối đa {RecurringMaxDuration.TotalDays:0} ngày / The duration is at most {RecurringMaxDuration.TotalDays:0} days";
        }

        var previous = cron.GetNextOccurrence(r.StartsAt, VietnamTime, inclusive: true);
        if (previous is null || previous >= r.EndsAt)
        {
            return "Lịch lặp không có lần nào từ giờ bắt đầu đến giờ kết thúc / The schedule never occurs between the start and the end";
        }

        for (var i = 0; i < GapCheckOccurrences; i++)
        {
            var next = cron.GetNextOccurrence(previous.Value, VietnamTime, inclusive: false);
            if (next is null || next >= r.EndsAt)
            {
                break;
            }

            if (next.Value - previous.Value <= duration)
            {
                return "Thời lượng phải ngắn hơn khoảng cách giữa hai lần lặp, nếu không cửa sổ phủ kín thời gian / The duration must be shorter than the gap between occurrences, or the window covers all the time";
            }

            previous = next;
        }

        return null;
    }

    private const string InvalidCron = "Lịch lặp không hợp lệ: cần cron 5 trường theo giờ Việt Nam, ví dụ \"0 23 * * *\" / The schedule is not a valid 5-field cron in Vietnam time, e.g. \"0 23 * * *\"";
}
