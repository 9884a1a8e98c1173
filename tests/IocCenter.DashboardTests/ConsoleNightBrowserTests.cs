using System.Globalization;
using Microsoft.Playwright;

namespace IocCenter.DashboardTests;

/// <summary>
/// Issue 17, item 4 in Debian's Chromium against the all-in-one host as a real process: the officer console is dark by
/// night (18:00–06:00 in Việt Nam) and light by day, the header button switches and the choice outlives a reload; a
/// new critical or major incident still open sounds (WebAudio, counted in the page) and again at its interval until it
/// is acknowledged, and before the sound is turned on the header control is there and pulses when an alert is due.
/// The page's clock is Playwright's fixed time (timers run as usual), so "30 s later" is a step, not a wait.
/// Screenshots of the dark console at 1920×1080 in Vietnamese and English go to artifacts/screenshots.
/// </summary>
public sealed class ConsoleNightBrowserTests : IAsyncLifetime
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    // Counts the tones the page makes: every alert tone is one oscillator.
    private const string CountTones = """
        window.__beeps = 0;
        const createOscillator = AudioContext.prototype.createOscillator;
        AudioContext.prototype.createOscillator = function () { window.__beeps++; return createOscillator.call(this); };
        """;

    private readonly DashboardProcess _server = new();
    private DebianChromium _chromium = null!;

    public async Task InitializeAsync()
    {
        await _server.StartAsync();
        _chromium = await DebianChromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>Today at <paramref name="hour"/>:00 in Việt Nam (as UTC).</summary>
    private static DateTime TodayAt(int hour)
    {
        var today = DateTimeOffset.UtcNow.ToOffset(Vietnam);
        return new DateTimeOffset(today.Year, today.Month, today.Day, hour, 0, 0, Vietnam).UtcDateTime;
    }

    private async Task<IPage> SignInAsync(DateTime clock, string query = "")
    {
        var context = await _chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
        var page = await context.NewPageAsync();
        await page.Clock.SetFixedTimeAsync(clock);
        await page.AddInitScriptAsync(CountTones);
        await page.GotoAsync(new Uri(_server.BaseUrl, "console" + query).ToString());
        await page.SignInAsync("admin", DashboardProcess.AdminPassword);
        await Assertions.Expect(page.Locator("#who")).ToContainTextAsync("admin", new() { Timeout = 10_000 });
        return page;
    }

    /// <summary>Twenty one-minute readings up to now, then "offline" on the device's status topic (as its last will): a major device_offline incident.</summary>
    private async Task PublishOfflineAsync(string device)
    {
        var now = DateTimeOffset.UtcNow;
        var readings = Enumerable.Range(0, 20).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{{\"ts\":{now.AddMinutes(i - 19).ToUnixTimeMilliseconds()},\"metrics\":{{\"pm25_ugm3\":{18 + (i % 5) * 1.5},\"humidity_pct\":{76 + (i % 3)}}}}}"));
        await MosquittoClients.PublishAsync(_server.BrokerPort, "test-" + device, $"ioc/v1/environment/{device}/telemetry", "[" + string.Join(',', readings) + "]");
        await MosquittoClients.PublishAsync(_server.BrokerPort, "test-" + device, $"ioc/v1/environment/{device}/status", "offline", retain: true);
    }

    /// <summary>Twenty minutes of PM2.5 about 300 µg/m³ within the running hour (as AirQualityBrowserTests): a critical, provisional air-quality incident.</summary>
    private async Task PublishSmogAsync(string station)
    {
        var now = DateTimeOffset.UtcNow;
        var hourStart = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var last = now.Minute >= 20 ? now : hourStart.AddSeconds(-30);
        var readings = Enumerable.Range(0, 20).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{{\"ts\":{last.AddMinutes(i - 19).ToUnixTimeMilliseconds()},\"metrics\":{{\"pm25_ugm3\":{300 + (i % 3)},\"pm10_ugm3\":{380 + (i % 4)},\"humidity_pct\":81}}}}"));
        await MosquittoClients.PublishAsync(_server.BrokerPort, "test-" + station, $"ioc/v1/environment/{station}/telemetry", "[" + string.Join(',', readings) + "]");
    }

    private static Task<int> TonesAsync(IPage page) => page.EvaluateAsync<int>("() => window.__beeps");

    private static Task<IJSHandle> MoreTonesThanAsync(IPage page, int count) =>
        page.WaitForFunctionAsync("n => window.__beeps > n", count, new() { Timeout = 5_000, PollingInterval = 100 });

    private static Task<string> BackgroundAsync(IPage page) => page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

    [Fact]
    public async Task TheConsole_IsDarkAtNightAndLightByDay_AndTheOfficersChoiceWinsOverTheClock_AfterAReload()
    {
        var page = await SignInAsync(TodayAt(23));
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal("rgb(15, 22, 32)", await BackgroundAsync(page));
        await Assertions.Expect(page.Locator("#theme-toggle")).ToHaveTextAsync("Sáng"); // what a click switches to

        // 10:00, nothing chosen: light.
        await page.Clock.SetFixedTimeAsync(TodayAt(10));
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        Assert.Equal("rgb(244, 246, 249)", await BackgroundAsync(page));
        await Assertions.Expect(page.Locator("#theme-toggle")).ToHaveTextAsync("Tối");

        // Chosen dark at 10:00: dark, also after a reload.
        await page.ClickAsync("#theme-toggle");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await Assertions.Expect(page.Locator("#theme-toggle")).ToHaveTextAsync("Sáng");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal("rgb(15, 22, 32)", await BackgroundAsync(page));

        // Chosen light, then night falls: still light after a reload.
        await page.ClickAsync("#theme-toggle");
        await page.Clock.SetFixedTimeAsync(TodayAt(23));
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        await Assertions.Expect(page.Locator("#theme-toggle")).ToHaveTextAsync("Tối");
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "console-light-vi-1920x1080.png") });

        // The pictures: a fresh console at 23:00 with an incident open in the detail, its chart drawn in the night colours.
        await PublishOfflineAsync("bt-env-dem-001");
        foreach (var (query, lang, toggle) in new[] { ("", "vi", "Sáng"), ("?lang=en", "en", "Light") })
        {
            var night = await SignInAsync(TodayAt(23), query);
            await Assertions.Expect(night.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
            await Assertions.Expect(night.Locator("#theme-toggle")).ToHaveTextAsync(toggle);
            if (lang == "vi")
            {
                // The map panel at night (nothing selected yet), with the area list open.
                await Assertions.Expect(night.Locator("#map .area-label").First).ToBeAttachedAsync(new() { Timeout = 10_000 });
                await night.ClickAsync("#f-area");
                await night.Keyboard.TypeAsync("long");
                await Assertions.Expect(night.Locator("#f-area-list")).ToBeVisibleAsync();
                await night.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "console-dark-map-vi-1920x1080.png") });
                await night.Keyboard.PressAsync("Escape");
                await night.Keyboard.PressAsync("Escape");
            }

            await night.Locator("#incidents tbody tr", new() { HasText = "bt-env-dem-001" }).ClickAsync(new() { Timeout = 10_000 });
            await Assertions.Expect(night.Locator("#d-chart")).ToHaveAttributeAsync("data-points", new System.Text.RegularExpressions.Regex("^[1-9]"), new() { Timeout = 5_000 });
            Assert.Equal("rgb(227, 233, 241)", await night.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('#detail')).color"));
            await night.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, $"console-dark-{lang}-1920x1080.png") });
        }
    }

    [Fact]
    public async Task ANewMajorIncident_SoundsAndRepeatsEveryMinute_UntilAcknowledged_AndACriticalOneSoundsItsOwnAlertEvery30Seconds()
    {
        var start = TodayAt(10);
        var page = await SignInAsync(start);
        var control = page.Locator("#sound-toggle");
        await Assertions.Expect(control).ToHaveTextAsync("Bật âm thanh cảnh báo");
        await control.ClickAsync();
        await Assertions.Expect(control).ToHaveTextAsync("Tắt âm thanh");
        Assert.Equal(0, await TonesAsync(page)); // nothing open: nothing sounds

        // A major incident: its alert (two tones) at once …
        const string device = "bt-env-dem-002";
        await PublishOfflineAsync(device);
        await Assertions.Expect(control).ToHaveAttributeAsync("data-alert", "major", new() { Timeout = 10_000 });
        await MoreTonesThanAsync(page, 0);
        var first = await TonesAsync(page);
        Assert.Equal(2, first);

        // … not again after 31 s (that is a critical's interval), again after 61 s.
        await page.Clock.SetFixedTimeAsync(start.AddSeconds(31));
        await page.WaitForTimeoutAsync(2_500); // the console checks each second
        Assert.Equal(first, await TonesAsync(page));
        await page.Clock.SetFixedTimeAsync(start.AddSeconds(61));
        await MoreTonesThanAsync(page, first);
        Assert.Equal(first + 2, await TonesAsync(page));

        // Acknowledged in the console: quiet, however long after.
        await page.Locator("#incidents tbody tr", new() { HasText = device }).ClickAsync();
        await Assertions.Expect(page.Locator("#d-ack")).ToBeEnabledAsync();
        await page.ClickAsync("#d-ack");
        await Assertions.Expect(page.Locator("#d-ack")).ToBeDisabledAsync();
        await Assertions.Expect(control).ToHaveAttributeAsync("data-alert", "");
        var acknowledged = await TonesAsync(page);
        await page.Clock.SetFixedTimeAsync(start.AddMinutes(5));
        await page.WaitForTimeoutAsync(2_500);
        Assert.Equal(acknowledged, await TonesAsync(page));

        // A critical incident: its own alert (four tones) at once, and again 31 s later.
        await PublishSmogAsync("bt-env-dem-003");
        await Assertions.Expect(control).ToHaveAttributeAsync("data-alert", "critical", new() { Timeout = 10_000 });
        await MoreTonesThanAsync(page, acknowledged);
        var critical = await TonesAsync(page);
        // (The station may fall silent at once too, its readings ending before this hour: that major incident,
        // new, sounds the highest open alert, the critical one, again.)
        Assert.True((critical - acknowledged) % 4 == 0, $"{critical - acknowledged} tones: not the critical alert's four");
        await page.Clock.SetFixedTimeAsync(start.AddSeconds(331));
        await page.WaitForFunctionAsync("n => window.__beeps >= n", critical + 4, new() { Timeout = 5_000, PollingInterval = 100 });

        // Muted for this page only: one officer's mute is not the next shift's. After a reload the first click on the
        // page turns the sound on again.
        await control.ClickAsync();
        await Assertions.Expect(control).ToHaveTextAsync("Bật âm thanh cảnh báo");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#sound-toggle")).ToHaveTextAsync("Bật âm thanh cảnh báo", new() { Timeout = 10_000 });
        await page.Locator("#title").ClickAsync();
        await Assertions.Expect(page.Locator("#sound-toggle")).ToHaveTextAsync("Tắt âm thanh");
    }

    [Fact]
    public async Task BeforeTheSoundIsTurnedOn_TheControlIsThere_AndPulsesWhenAnAlertIsDue_InVietnameseAndEnglish()
    {
        var page = await SignInAsync(TodayAt(2));
        var control = page.Locator("#sound-toggle");
        await Assertions.Expect(control).ToBeVisibleAsync();
        await Assertions.Expect(control).ToHaveTextAsync("Bật âm thanh cảnh báo");
        await Assertions.Expect(control).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("mỗi lần mở hoặc tải lại trang phải bấm một lần"));
        await Assertions.Expect(control).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("attention"));

        await PublishOfflineAsync("bt-env-dem-004");

        await Assertions.Expect(control).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("attention"), new() { Timeout = 10_000 });
        await Assertions.Expect(control).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("chưa bật âm thanh"));
        Assert.Equal(0, await TonesAsync(page)); // locked: no sound was tried
        await control.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "console-sound-due-vi.png") });

        // Turned on: what is open sounds at once and the pulse stops.
        await control.ClickAsync();
        await Assertions.Expect(control).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("attention"));
        await MoreTonesThanAsync(page, 0);

        var english = await SignInAsync(TodayAt(2), "?lang=en");
        var englishControl = english.Locator("#sound-toggle");
        await Assertions.Expect(englishControl).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("attention"), new() { Timeout = 10_000 });
        await Assertions.Expect(englishControl).ToHaveTextAsync("Turn on alert sound");
        await Assertions.Expect(englishControl).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("the sound is off"));
        await englishControl.ClickAsync();
        await Assertions.Expect(englishControl).ToHaveTextAsync("Mute alerts");
    }
}
