using Cronos;
using FsCheck;
using FsCheck.Fluent;
using IocCenter.Analytics.Maintenance;

namespace IocCenter.Tests.Analytics.Maintenance;

/// <summary>When a maintenance window holds alarms back, in Vietnam's local time, and which requests become windows.</summary>
public sealed class MaintenanceScheduleTests
{
    private static readonly TimeSpan Vn = TimeSpan.FromHours(7);

    // Wednesday 4 March 2026, noon in Vietnam.
    internal static readonly DateTimeOffset Now = Local(2026, 3, 4, 12, 0);

    internal static DateTimeOffset Local(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, Vn);

    private static MaintenanceWindow OneOff(DateTimeOffset start, DateTimeOffset end, DateTimeOffset? cancelledAt = null) =>
        new(1, MaintenanceScope.Device, "cam-01", start, end, null, null, "Thay camera", "ops", Now, cancelledAt, cancelledAt is null ? null : "ops");

    internal static MaintenanceWindow Recurring(string cron, int minutes, DateTimeOffset start, DateTimeOffset? end = null, DateTimeOffset? cancelledAt = null) =>
        new(2, MaintenanceScope.Area, "xa-01", start, end, cron, TimeSpan.FromMinutes(minutes), "Bảo trì định kỳ", "ops", Now, cancelledAt, null);

    [Fact]
    public void VietnamTime_IsSevenHoursAheadAllYear()
    {
        Assert.Equal(Vn, MaintenanceSchedule.VietnamTime.GetUtcOffset(new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(Vn, MaintenanceSchedule.VietnamTime.GetUtcOffset(new DateTimeOffset(2026, 7, 15, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Covers_OneOff_StartInclusiveEndExclusive()
    {
        var start = Local(2026, 3, 5, 8, 0);
        var end = Local(2026, 3, 5, 17, 0);
        var w = OneOff(start, end);

        Assert.False(MaintenanceSchedule.Covers(w, start.AddTicks(-1)));
        Assert.True(MaintenanceSchedule.Covers(w, start));
        Assert.True(MaintenanceSchedule.Covers(w, start.ToUniversalTime()));
        Assert.True(MaintenanceSchedule.Covers(w, end.AddTicks(-1)));
        Assert.False(MaintenanceSchedule.Covers(w, end));
        Assert.Equal(end, MaintenanceSchedule.CurrentEnd(w, Local(2026, 3, 5, 9, 0)));
        Assert.Null(MaintenanceSchedule.CurrentEnd(w, end));
        Assert.Equal(start, MaintenanceSchedule.NextStart(w, Now));
        Assert.Null(MaintenanceSchedule.NextStart(w, start));
    }

    [Fact]
    public void Covers_OneOffCancelledMidway_StopsAtTheCancellation()
    {
        var cancelled = Local(2026, 3, 5, 11, 0);
        var w = OneOff(Local(2026, 3, 5, 8, 0), Local(2026, 3, 5, 17, 0), cancelled);

        Assert.True(MaintenanceSchedule.Covers(w, cancelled.AddTicks(-1)));
        Assert.False(MaintenanceSchedule.Covers(w, cancelled));
        Assert.False(MaintenanceSchedule.Covers(w, Local(2026, 3, 5, 12, 0)));
        Assert.Equal(cancelled, MaintenanceSchedule.CurrentEnd(w, Local(2026, 3, 5, 9, 0)));
    }

    [Fact]
    public void Covers_OneOffCancelledBeforeItStarts_NeverCovers()
    {
        var w = OneOff(Local(2026, 3, 5, 8, 0), Local(2026, 3, 5, 17, 0), cancelledAt: Now);

        Assert.False(MaintenanceSchedule.Covers(w, Local(2026, 3, 5, 9, 0)));
        Assert.Null(MaintenanceSchedule.NextStart(w, Now));
    }

    [Fact]
    public void Covers_NightlyWindow_CrossesMidnightInVietnamTime()
    {
        var w = Recurring("0 23 * * *", 120, Now);

        Assert.True(MaintenanceSchedule.Covers(w, Local(2026, 3, 4, 23, 30)));
        Assert.True(MaintenanceSchedule.Covers(w, new DateTimeOffset(2026, 3, 4, 16, 30, 0, TimeSpan.Zero)));
        Assert.True(MaintenanceSchedule.Covers(w, Local(2026, 3, 5, 0, 30)));
        Assert.True(MaintenanceSchedule.Covers(w, new DateTimeOffset(2026, 3, 4, 17, 30, 0, TimeSpan.Zero)));
        Assert.False(MaintenanceSchedule.Covers(w, Local(2026, 3, 5, 1, 0)));
        Assert.False(MaintenanceSchedule.Covers(w, Local(2026, 3, 4, 22, 59)));
        Assert.False(MaintenanceSchedule.Covers(w, new DateTimeOffset(2026, 3, 4, 23, 30, 0, TimeSpan.Zero))); // 06:30 local
        Assert.Equal(Local(2026, 3, 5, 1, 0), MaintenanceSchedule.CurrentEnd(w, Local(2026, 3, 5, 0, 30)));
        Assert.Equal(Local(2026, 3, 4, 23, 0), MaintenanceSchedule.NextStart(w, Now));
        Assert.Equal(Local(2026, 3, 5, 23, 0), MaintenanceSchedule.NextStart(w, Local(2026, 3, 4, 23, 30)));
    }

    [Fact]
    public void Covers_NightlyWindow_NoOccurrenceBeforeStartsAt()
    {
        var w = Recurring("0 23 * * *", 120, Local(2026, 3, 4, 23, 30));

        Assert.False(MaintenanceSchedule.Covers(w, Local(2026, 3, 4, 23, 45)));
        Assert.False(MaintenanceSchedule.Covers(w, Local(2026, 3, 5, 0, 30)));
        Assert.True(MaintenanceSchedule.Covers(w, Local(2026, 3, 5, 23, 30)));
        Assert.Equal(Local(2026, 3, 5, 23, 0), MaintenanceSchedule.NextStart(w, Now));
    }

    [Fact]
    public void Covers_NightlyWindow_EndsAtStopsLaterOccurrences()
    {
        var w = Recurring("0 23 * * *", 120, Now, end: Local(2026, 3, 6, 0, 0));

        Assert.True(MaintenanceSchedule.Covers(w, Local(2026, 3, 5, 23, 30)));
        Assert.True(MaintenanceSchedule.Covers(w, Local(2026, 3, 6, 0, 30))); // an occurrence begun before the end runs its course
        Assert.False(MaintenanceSchedule.Covers(w, Local(2026, 3, 6, 23, 30)));
        Assert.Null(MaintenanceSchedule.NextStart(w, Local(2026, 3, 5, 23, 30)));
    }

    [Fact]
    public void Covers_NightlyWindowCancelled_StopsAtTheCancellation()
    {
        var cancelled = Local(2026, 3, 5, 0, 0);
        var w = Recurring("0 23 * * *", 120, Now, cancelledAt: cancelled);

        Assert.True(MaintenanceSchedule.Covers(w, Local(2026, 3, 4, 23, 30)));
        Assert.Equal(cancelled, MaintenanceSchedule.CurrentEnd(w, Local(2026, 3, 4, 23, 30)));
        Assert.False(MaintenanceSchedule.Covers(w, Local(2026, 3, 5, 0, 30)));
        Assert.False(MaintenanceSchedule.Covers(w, Local(2026, 3, 5, 23, 30)));
        Assert.Null(MaintenanceSchedule.NextStart(w, Local(2026, 3, 4, 23, 30)));
    }

    [Fact]
    public void Covers_WeeklySaturdayMorning_EveryWeekAndNoOtherDay()
    {
        var w = Recurring("0 8 * * 6", 240, Local(2026, 3, 1, 0, 0));

        for (var week = 0; week < 8; week++)
        {
            var saturday = Local(2026, 3, 7, 0, 0).AddDays(7 * week);
            Assert.True(MaintenanceSchedule.Covers(w, saturday.AddHours(10)), $"week {week}");
            Assert.True(MaintenanceSchedule.Covers(w, saturday.AddHours(8)));
            Assert.False(MaintenanceSchedule.Covers(w, saturday.AddHours(8).AddTicks(-1)));
            Assert.False(MaintenanceSchedule.Covers(w, saturday.AddHours(12)));
            Assert.False(MaintenanceSchedule.Covers(w, saturday.AddDays(-1).AddHours(10)));
            Assert.False(MaintenanceSchedule.Covers(w, saturday.AddDays(1).AddHours(10)));
            Assert.Equal(saturday.AddHours(12), MaintenanceSchedule.CurrentEnd(w, saturday.AddHours(10)));
        }
    }

    [Fact]
    public void NextStart_WeeklyFromAWednesday_IsTheComingSaturdayAtEightLocal()
    {
        var w = Recurring("0 8 * * 6", 240, Local(2026, 3, 1, 0, 0));

        var next = MaintenanceSchedule.NextStart(w, Local(2026, 3, 4, 10, 0));

        Assert.Equal(Local(2026, 3, 7, 8, 0), next);
        Assert.Equal(Vn, next!.Value.Offset);
        Assert.Equal(Local(2026, 3, 7, 12, 0), MaintenanceSchedule.CurrentEnd(w, Local(2026, 3, 7, 10, 0)));
        Assert.Equal(Local(2026, 3, 14, 8, 0), MaintenanceSchedule.NextStart(w, Local(2026, 3, 7, 10, 0)));
    }

    [Fact]
    public void Covers_StoredRowWithABrokenCron_CoversNothing()
    {
        var w = Recurring("not a cron", 60, Local(2026, 3, 1, 0, 0));

        Assert.False(MaintenanceSchedule.Covers(w, Now));
        Assert.Null(MaintenanceSchedule.CurrentEnd(w, Now));
        Assert.Null(MaintenanceSchedule.NextStart(w, Now));
    }

    [Theory]
    [InlineData(MaintenanceScope.Device, "cam-01", "cam-01", "xa-01", "traffic", true)]
    [InlineData(MaintenanceScope.Device, "cam-01", "cam-02", "xa-01", "traffic", false)]
    [InlineData(MaintenanceScope.Device, "cam-01", "CAM-01", "xa-01", "traffic", false)]
    [InlineData(MaintenanceScope.Device, "xa-01", null, "xa-01", "traffic", false)] // an area-level subject is no device
    [InlineData(MaintenanceScope.Area, "xa-01", "cam-01", "xa-01", "traffic", true)]
    [InlineData(MaintenanceScope.Area, "xa-01", null, "xa-01", "environment", true)]
    [InlineData(MaintenanceScope.Area, "xa-01", "cam-01", "xa-02", "traffic", false)]
    [InlineData(MaintenanceScope.Area, "xa-01", "cam-01", null, "traffic", false)]
    [InlineData(MaintenanceScope.Domain, "traffic", "cam-01", "xa-01", "traffic", true)]
    [InlineData(MaintenanceScope.Domain, "traffic", "aq-01", "xa-01", "environment", false)]
    [InlineData(MaintenanceScope.Domain, "environment", null, "xa-01", "environment", true)]
    [InlineData(MaintenanceScope.Domain, "traffic", "cam-01", "xa-01", null, false)]
    public void Matches_BySubject(MaintenanceScope scope, string target, string? deviceId, string? area, string? domain, bool expected)
    {
        var w = new MaintenanceWindow(1, scope, target, Now, Now.AddHours(1), null, null, "r", "ops", Now);

        Assert.Equal(expected, MaintenanceSchedule.Matches(w, deviceId, area, domain));
    }

    private static MaintenanceRequest ValidOneOff => new("device", "cam-01", Now, Now.AddHours(4), null, null, "Thay camera hỏng");

    private static MaintenanceRequest ValidRecurring => new("area", "xa-01", Now, null, "0 23 * * *", 120, "Bảo trì đêm");

    public static TheoryData<MaintenanceRequest> Accepted => new()
    {
        ValidOneOff,
        ValidRecurring,
        ValidOneOff with { Scope = "DEVICE" },
        ValidOneOff with { Scope = "Domain", Target = "Traffic" },
        ValidOneOff with { StartsAt = Now.AddDays(-1) }, // already under way
        ValidOneOff with { EndsAt = Now.AddDays(31) },
        ValidOneOff with { Cron = "  " }, // a blank schedule is a one-off
        ValidRecurring with { Cron = "0 8 * * 6", DurationMinutes = 240, EndsAt = Now.AddDays(60) },
        ValidRecurring with { Cron = "*/15 * * * *", DurationMinutes = 14 },
        ValidRecurring with { Cron = "0 8 * * 6", DurationMinutes = 7 * 24 * 60 - 1 },
        ValidRecurring with { Cron = "@daily", DurationMinutes = 60 },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Validate_ValidRequest_IsAccepted(MaintenanceRequest request)
    {
        Assert.Null(MaintenanceSchedule.Validate(request, Now));
        var w = request.ToWindow(7, "ops", Now);
        Assert.Equal((7L, "ops", Now), (w.Id, w.CreatedBy, w.CreatedAt));
    }

    public static TheoryData<MaintenanceRequest, string> Refused => new()
    {
        { ValidOneOff with { Scope = "building" }, "Phạm vi" },
        { ValidOneOff with { Scope = "0" }, "Phạm vi" },
        { ValidOneOff with { Scope = "Device, Area" }, "Phạm vi" },
        { ValidOneOff with { Scope = null! }, "Phạm vi" },
        { ValidOneOff with { Target = "" }, "Cần chỉ rõ đối tượng" },
        { ValidOneOff with { Target = "   " }, "Cần chỉ rõ đối tượng" },
        { ValidOneOff with { Target = new string('x', 129) }, "128" },
        { ValidOneOff with { Target = "cam\u000701" }, "ký tự điều khiển" },
        { ValidOneOff with { Scope = "domain", Target = "water" }, "Lĩnh vực" },
        { ValidOneOff with { Reason = " " }, "lý do" },
        { ValidOneOff with { Reason = new string('x', 501) }, "500" },
        { ValidOneOff with { EndsAt = null }, "cần giờ kết thúc" },
        { ValidOneOff with { EndsAt = Now }, "phải sau giờ bắt đầu" },
        { ValidOneOff with { StartsAt = Now.AddHours(-3), EndsAt = Now.AddHours(-1) }, "đã qua" },
        { ValidOneOff with { EndsAt = Now.AddDays(31).AddMinutes(1) }, "31 ngày" },
        { ValidOneOff with { StartsAt = new DateTimeOffset(1999, 12, 31, 0, 0, 0, TimeSpan.Zero) }, "2000" },
        { ValidOneOff with { StartsAt = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero), EndsAt = new DateTimeOffset(2100, 1, 2, 0, 0, 0, TimeSpan.Zero) }, "2000" },
        { ValidRecurring with { Cron = "not a cron" }, "không hợp lệ" },
        { ValidRecurring with { Cron = "60 23 * * *" }, "không hợp lệ" },
        { ValidRecurring with { Cron = "H 23 * * *" }, "không hợp lệ" },
        { ValidRecurring with { Cron = "0 23 * *\n *" }, "không hợp lệ" },
        { ValidRecurring with { Cron = "0 0 23 * * *" }, "giây" },
        { ValidRecurring with { DurationMinutes = null }, "thời lượng" },
        { ValidRecurring with { DurationMinutes = 0 }, "thời lượng" },
        { ValidRecurring with { DurationMinutes = -5 }, "thời lượng" },
        { ValidRecurring with { Cron = "0 8 1 * *", DurationMinutes = 7 * 24 * 60 + 1 }, "7 ngày" },
        { ValidRecurring with { Cron = "* * * * *", DurationMinutes = 1 }, "phủ kín" },
        { ValidRecurring with { Cron = "*/15 * * * *", DurationMinutes = 15 }, "phủ kín" },
        { ValidRecurring with { DurationMinutes = 24 * 60 }, "phủ kín" },
        { ValidRecurring with { Cron = "0 8 * * 6", DurationMinutes = 7 * 24 * 60 }, "phủ kín" },
        { ValidRecurring with { Cron = "0 8 * * 6", EndsAt = Local(2026, 3, 7, 8, 0) }, "không có lần nào" },
        { ValidRecurring with { EndsAt = Now.AddHours(-1) }, "phải sau giờ bắt đầu" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Validate_BadRequest_IsRefusedWithOneSentenceInBothLanguages(MaintenanceRequest request, string expected)
    {
        var problem = MaintenanceSchedule.Validate(request, Now);

        Assert.False(string.IsNullOrWhiteSpace(problem));
        Assert.Contains(" / ", problem);
        Assert.Contains(expected, problem, StringComparison.OrdinalIgnoreCase);
        var thrown = Assert.Throws<ArgumentException>(() => request.ToWindow(1, "ops", Now));
        Assert.StartsWith(problem, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ImpossibleDate_IsRefused() =>
        Assert.NotNull(MaintenanceSchedule.Validate(ValidRecurring with { Cron = "0 0 30 2 *" }, Now));

    [Fact]
    public void ToWindow_NormalisesScopeTargetAndSchedule()
    {
        var w = new MaintenanceRequest(" Domain ", " Environment ", Now, null, " 0 23 * * * ", 90, " Hiệu chuẩn ").ToWindow(3, "ops", Now);

        Assert.Equal(
            new MaintenanceWindow(3, MaintenanceScope.Domain, "environment", Now, null, "0 23 * * *", TimeSpan.FromMinutes(90), "Hiệu chuẩn", "ops", Now),
            w);
        // A one-off window has no duration, whatever the form sent.
        Assert.Null((ValidOneOff with { DurationMinutes = 30 }).ToWindow(4, "ops", Now).Duration);
    }
}

/// <summary>Any request is a window or one sentence; Covers agrees with enumerating every occurrence.</summary>
public sealed class MaintenanceSchedulePropertyTests
{
    private static readonly DateTimeOffset Base = MaintenanceScheduleTests.Now;

    private static readonly Gen<string?> CronToken = Gen.Elements<string?>(
        "*", "0", "59", "60", "-1", "*/0", "*/15", "1-5", "5-1", "1,2", "L", "LW", "15W", "5#3", "?", "H", "MON", "JAN", "SUN-SAT", "/", ",", "", " ", "\t", "99999999999");

    private static readonly Gen<string?> AnyCron = Gen.OneOf(
        ArbMap.Default.GeneratorFor<string?>(),
        Gen.Elements<string?>(null, "", "@daily", "@hourly", "@every_minute", "@every_second", "@yearly", "@reboot", "0 0 30 2 *", "* * * * * *"),
        from n in Gen.Choose(1, 7)
        from tokens in Gen.ArrayOf(CronToken, n)
        select (string?)string.Join(' ', tokens));

    private static readonly Gen<DateTimeOffset> AnyInstant = Gen.OneOf(
        ArbMap.Default.GeneratorFor<DateTimeOffset>(),
        Gen.Elements(DateTimeOffset.MinValue, DateTimeOffset.MaxValue),
        from minutes in Gen.Choose(-100_000, 100_000)
        from offset in Gen.Choose(-14, 14)
        select Base.AddMinutes(minutes).ToOffset(TimeSpan.FromHours(offset)));

    private static Gen<T?> Maybe<T>(Gen<T> gen) where T : struct => Gen.OneOf(Gen.Constant<T?>(null), gen.Select(v => (T?)v));

    [FsCheck.Xunit.Property(MaxTest = 1000)]
    public Property AnyRequest_IsAWindowOrOneSentence_NeverAnException() =>
        Prop.ForAll(
            (from scope in Gen.OneOf(ArbMap.Default.GeneratorFor<string?>(), Gen.Elements<string?>("device", "Area", "DOMAIN"))
             from target in Gen.OneOf(ArbMap.Default.GeneratorFor<string?>(), Gen.Elements<string?>("cam-01", "traffic", " xa-01 "))
             from cron in AnyCron
             from minutes in Maybe(Gen.OneOf(ArbMap.Default.GeneratorFor<int>(), Gen.Choose(1, 11_000)))
             from reason in Gen.OneOf(ArbMap.Default.GeneratorFor<string?>(), Gen.Constant<string?>("Bảo trì"))
             from start in AnyInstant
             from end in Maybe(AnyInstant)
             select new MaintenanceRequest(scope!, target!, start, end, cron, minutes, reason!)).ToArbitrary(),
            request =>
            {
                var problem = MaintenanceSchedule.Validate(request, Base);
                if (problem is not null)
                {
                    return problem.Contains(" / ", StringComparison.Ordinal) && problem.Length < 300;
                }

                var w = request.ToWindow(1, "ops", Base);
                _ = MaintenanceSchedule.Covers(w, Base);
                _ = MaintenanceSchedule.NextStart(w, Base);
                return MaintenanceSchedule.CurrentEnd(w, Base) is null != MaintenanceSchedule.Covers(w, Base);
            });

    // Crons a person writes, each with the longest duration that still leaves a gap between its occurrences.
    private static readonly (string Cron, int MaxMinutes)[] Schedules =
    [
        ("0 23 * * *", 1439),
        ("*/15 * * * *", 14),
        ("30 8 * * 1-5", 1439),
        ("0 8 * * 6", 10079),
        ("0 */6 * * *", 359),
        ("5 4 * * 0", 10079),
        ("0 0 1 * *", 10080),
        ("0 22 L * *", 10080),
        ("45 23 * * 0,3", 4319),
        ("0 0,12 * * *", 719),
    ];

    private static readonly Gen<(MaintenanceWindow Window, DateTimeOffset At)> WindowAndInstant =
        from schedule in Gen.Elements(Schedules)
        from minutes in Gen.Choose(1, schedule.MaxMinutes)
        from startMinutes in Gen.Choose(0, 20_000)
        from startSeconds in Gen.Choose(0, 59)
        from offset in Gen.Choose(-12, 14)
        from endMinutes in Maybe(Gen.Choose(1, 30_000))
        from cancelMinutes in Maybe(Gen.Choose(-100, 30_000))
        from atMinutes in Gen.Choose(-3_000, 30_000)
        from atSeconds in Gen.Choose(0, 59)
        let start = Base.AddMinutes(startMinutes).AddSeconds(startSeconds).ToOffset(TimeSpan.FromHours(offset))
        select (
            MaintenanceScheduleTests.Recurring(schedule.Cron, minutes, start, endMinutes is { } m ? start.AddMinutes(m) : null, cancelMinutes is { } c ? start.AddMinutes(c) : null),
            start.AddMinutes(atMinutes).AddSeconds(atSeconds));

    private static IEnumerable<DateTimeOffset> Occurrences(MaintenanceWindow w, DateTimeOffset from, DateTimeOffset to) =>
        to < from ? [] : CronExpression.Parse(w.Cron!).GetOccurrences(from, to, MaintenanceSchedule.VietnamTime, fromInclusive: true, toInclusive: true)
            .Where(o => o >= w.StartsAt && (w.EndsAt is not { } stop || o < stop));

    private static bool BruteCovers(MaintenanceWindow w, DateTimeOffset at) =>
        (w.CancelledAt is not { } c || at < c) && Occurrences(w, w.StartsAt, at).Any(o => at < o + w.Duration!.Value);

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Covers_AgreesWithEveryOccurrence() =>
        Prop.ForAll(WindowAndInstant.ToArbitrary(), sample =>
        {
            var (w, at) = sample;
            var covers = MaintenanceSchedule.Covers(w, at);
            if (covers != BruteCovers(w, at))
            {
                return false;
            }

            // The cover lasts exactly until CurrentEnd.
            var end = MaintenanceSchedule.CurrentEnd(w, at);
            if (covers != end is not null || (end is { } e && (e <= at || !MaintenanceSchedule.Covers(w, e.AddTicks(-1)) || MaintenanceSchedule.Covers(w, e))))
            {
                return false;
            }

            // NextStart is the first occurrence after `at` that still opens, and nothing opens in between.
            var next = MaintenanceSchedule.NextStart(w, at);
            var opens = (DateTimeOffset o) => w.CancelledAt is not { } c || o < c;
            if (next is { } n)
            {
                return n > at && opens(n) && MaintenanceSchedule.Covers(w, n)
                    && !Occurrences(w, at, n.AddTicks(-1)).Any(o => o > at && opens(o));
            }

            var horizon = new[] { w.EndsAt, w.CancelledAt }.Min();
            return horizon is { } h && !Occurrences(w, at, h).Any(o => o > at && opens(o));
        });
}
