using System.Text;
using System.Text.Json;
using IocCenter.IntegrationTests;
using Microsoft.Playwright;

namespace IocCenter.DashboardTests;

/// <summary>
/// The visual regression check of issue 17: every page (login, wall, console with an incident's detail and evidence
/// chart, device page, admin, the 403 page, a device that does not exist) at 1280×800, 1920×1080 and 3840×2160, in
/// Vietnamese and English, in Debian's Chromium against the all-in-one host as a real process. Each page is checked by
/// script (<see cref="LayoutProblems"/>): nothing wider than the window, no text sticking out of its box or cut by a
/// box that clips, no two texts on top of each other, no form control outside its box, and every chart's time ticks
/// distinct and apart. The screenshots stay in artifacts/screenshots (layout-*.png).
/// </summary>
public sealed class ScreenLayoutBrowserTests : IClassFixture<ScreenLayoutBrowserTests.Host>
{
    private readonly Host _host;

    public ScreenLayoutBrowserTests(Host host) => _host = host;

    /// <summary>One host and browser for the three sizes; an incident on a device with readings, and a viewer account.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public DashboardProcess Server { get; } = new();

        internal DebianChromium Chromium { get; private set; } = null!;

        public string Device { get; private set; } = "";

        /// <summary>A device with a week of hourly readings (back-dated), and a metric of 10³⁰⁰: the 24-hour and 7-day axes.</summary>
        public const string History = "bt-trf-lich-su-7-ngay";

        public async Task InitializeAsync()
        {
            await Server.StartAsync();
            Chromium = await DebianChromium.LaunchAsync();
            using var admin = await Server.AdminAsync();
            (await admin.PostAsync("api/users", new StringContent("""{"userName":"man-hinh","displayName":"Màn hình phòng họp","role":"viewer","password":"man-hinh-2026-xem-thoi"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

            // A registered traffic device with readings says it goes offline: an incident whose evidence chart has points.
            // Its readings must span more than two of the evidence's buckets (an hour and a half and more over 200, so
            // 30 s at most while this class runs), or the chart is one interval said in words, not drawn.
            using var devices = JsonDocument.Parse(await admin.GetStringAsync("api/devices?domain=traffic"));
            Device = devices.RootElement[0].GetProperty("id").GetString()!;
            await Eventually.WaitAsync(
                async () =>
                {
                    using var history = JsonDocument.Parse(await admin.GetStringAsync($"api/devices/{Device}/history?metric=avg_speed_kmh&range=1h"));
                    var points = history.RootElement.GetProperty("points");
                    var n = points.GetArrayLength();
                    return n < 2 ? 0 : (points[n - 1].GetProperty("startMs").GetInt64() - points[0].GetProperty("startMs").GetInt64()) / 1000;
                },
                seconds => seconds >= 90,
                TimeSpan.FromSeconds(150),
                "the device's readings in the store over 90 seconds");
            await MosquittoClients.PublishAsync(Server.BrokerPort, "layout-test", $"ioc/v1/traffic/{Device}/status", "offline", retain: true);

            using (var mqtt = new MQTTnet.MqttClientFactory().CreateMqttClient())
            {
                await mqtt.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Server.BrokerPort).WithClientId("layout-history").Build());
                var now = DateTimeOffset.UtcNow;
                for (var hour = 7 * 24; hour >= 0; hour--)
                {
                    var at = now.AddHours(-hour).ToUnixTimeMilliseconds();
                    var speed = 40 + (15 * Math.Sin(hour / 24.0 * 2 * Math.PI));
                    var payload = string.Create(System.Globalization.CultureInfo.InvariantCulture, $$$"""{"ts":{{{at}}},"metrics":{"avg_speed_kmh":{{{speed:0.0}}},"occupancy_pct":20,"vehicle_count":12,"gia_tri_rat_lon":1e300}}""");
                    await mqtt.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic($"ioc/v1/traffic/{History}/telemetry").WithPayload(payload).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
                }
            }

            await Eventually.WaitAsync(
                async () =>
                {
                    var answer = await admin.GetAsync($"api/devices/{History}/history?metric=avg_speed_kmh&range=7d");
                    if (!answer.IsSuccessStatusCode)
                    {
                        return 0;
                    }

                    using var history = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
                    return history.RootElement.GetProperty("points").GetArrayLength();
                },
                n => n >= 150,
                TimeSpan.FromSeconds(60),
                "a week of hourly readings in the store");
            await Eventually.WaitAsync(async () => (await admin.GetStringAsync("api/incidents")).Contains(Device, StringComparison.Ordinal), found => found, TimeSpan.FromSeconds(20), "the device's incident");
        }

        public async Task DisposeAsync()
        {
            await Chromium.DisposeAsync();
            await Server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(1920, 1080)]
    [InlineData(3840, 2160)]
    public async Task EveryPage_InBothLanguages_HasNoOverflowOrOverlap_AndItsChartTicksAreDistinct(int width, int height)
    {
        var problems = new List<string>();
        var server = _host.Server;
        await using var officer = await _host.Chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        await using var viewer = await _host.Chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var wallLink = await server.KioskLinkAsync("layout " + width);

        foreach (var lang in new[] { "vi", "en" })
        {
            var query = lang == "en" ? "?lang=en" : "";
            var and = lang == "en" ? "&lang=en" : "";

            var login = await officer.NewPageAsync();
            await login.GotoAsync(new Uri(server.BaseUrl, "login" + query).ToString());
            await CheckAsync(login, "login", lang, width, height, problems);
            if (lang == "vi")
            {
                await login.SignInAsync("admin", DashboardProcess.AdminPassword);
                await login.WaitForURLAsync("**/console**");
            }

            await login.CloseAsync();

            var wall = await officer.NewPageAsync();
            await wall.GotoAsync(wallLink + and);
            await wall.Locator("body[data-live=true]").WaitForAsync(new() { Timeout = 15_000 });
            await Assertions.Expect(wall.Locator("#ticker li[data-id]")).Not.ToHaveCountAsync(0, new() { Timeout = 10_000 });
            await wall.WaitForTimeoutAsync(2_500); // a few chart points
            await CheckAsync(wall, "wall", lang, width, height, problems);
            if (width == 3840)
            {
                // A crop at the 4K wall's own pixels (its lower left quarter: the map's foot and the charts), for the README.
                await wall.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, $"layout-wall-{lang}-3840x2160-crop.png"), Clip = new() { X = 0, Y = 1080, Width = 1920, Height = 1080 } });
            }
            await wall.CloseAsync();

            // The console in each theme (chosen, so the test does not depend on the hour), with an incident's detail.
            foreach (var theme in new[] { "light", "dark" })
            {
                var console = await officer.NewPageAsync();
                await console.AddInitScriptAsync($"localStorage.setItem('iocc.console.theme', '{theme}')");
                await console.GotoAsync(new Uri(server.BaseUrl, "console" + query).ToString());
                await Assertions.Expect(console.Locator("html")).ToHaveAttributeAsync("data-theme", theme);
                await console.Locator("#map[data-ready=true]").WaitForAsync(new() { Timeout = 15_000 });
                var row = console.Locator("#incidents tbody tr[data-id]").First;
                await row.ClickAsync(new() { Timeout = 10_000 });
                await Assertions.Expect(console.Locator("#d-chart")).ToHaveAttributeAsync("data-chart", "drawn", new() { Timeout = 10_000 });
                await CheckAsync(console, "console-" + theme, lang, width, height, problems);
                // The maintenance panel open (from the incident's button when it is a device's), with its form filled in.
                await console.ClickAsync(await console.Locator("#d-maint").IsVisibleAsync() ? "#d-maint" : "#m-summary");
                await Assertions.Expect(console.Locator("#maint")).ToHaveAttributeAsync("open", "");
                await console.FillAsync("#m-reason", lang == "en" ? "Replacing the camera" : "Thay camera giám sát");
                await CheckAsync(console, "console-maintenance-" + theme, lang, width, height, problems);
                await console.CloseAsync();
            }

            var device = await officer.NewPageAsync();
            await device.GotoAsync(new Uri(server.BaseUrl, $"device?id={_host.Device}{and}").ToString());
            await Assertions.Expect(device.Locator("#chart")).ToHaveAttributeAsync("data-chart", "drawn", new() { Timeout = 10_000 });
            await CheckAsync(device, "device", lang, width, height, problems);
            await device.ClickAsync("button[data-range='7d']");
            await Assertions.Expect(device.Locator("button[data-range='7d']")).ToHaveAttributeAsync("aria-pressed", "true");
            await device.WaitForTimeoutAsync(500);
            await CheckAsync(device, "device-7d", lang, width, height, problems);

            // A week of readings: the 24-hour and 7-day axes in hours and days (their ticks checked), a value of 10³⁰⁰.
            await device.GotoAsync(new Uri(server.BaseUrl, $"device?id={Host.History}{and}").ToString());
            await Assertions.Expect(device.Locator("#title")).ToContainTextAsync(Host.History, new() { Timeout = 10_000 });
            foreach (var range in new[] { "24h", "7d" })
            {
                await device.ClickAsync($"button[data-range='{range}']");
                await Assertions.Expect(device.Locator("#chart .uplot")).ToHaveAttributeAsync("data-xspan", range == "7d" ? "604800" : "86400", new() { Timeout = 10_000 });
                await CheckAsync(device, "device-history-" + range, lang, width, height, problems);
            }

            await Assertions.Expect(device.Locator("#values")).ToContainTextAsync(lang == "en" ? "1E300" : "1E300");
            await device.GotoAsync(new Uri(server.BaseUrl, $"device?id=khong-co-thiet-bi-nay{and}").ToString());
            await Assertions.Expect(device.Locator("#missing")).ToContainTextAsync(lang == "en" ? "does not exist" : "không tồn tại", new() { Timeout = 10_000 });
            await CheckAsync(device, "device-missing", lang, width, height, problems);
            await device.CloseAsync();

            var admin = await officer.NewPageAsync();
            await admin.GotoAsync(new Uri(server.BaseUrl, "admin" + query).ToString());
            await Assertions.Expect(admin.Locator("#users tbody tr")).Not.ToHaveCountAsync(0, new() { Timeout = 10_000 });
            await CheckAsync(admin, "admin", lang, width, height, problems);
            await admin.CloseAsync();

            // A viewer who opens the console: a 403 page that says why, not the login form again.
            var denied = await viewer.NewPageAsync();
            await denied.GotoAsync(new Uri(server.BaseUrl, "console" + query).ToString());
            if (denied.Url.Contains("/login", StringComparison.Ordinal))
            {
                await denied.SignInAsync("man-hinh", "man-hinh-2026-xem-thoi");
            }

            await Assertions.Expect(denied.Locator(".error")).ToContainTextAsync(lang == "en" ? "not open to your account" : "không có quyền mở trang này", new() { Timeout = 10_000 });
            await CheckAsync(denied, "forbidden", lang, width, height, problems);
            await denied.CloseAsync();
        }

        Assert.True(problems.Count == 0, "layout problems:\n" + string.Join('\n', problems));
    }

    /// <summary>The check itself finds each kind of fault, on a page made to have them.</summary>
    [Fact]
    public async Task TheLayoutCheck_FindsEachKindOfFault_OnAPageThatHasThem()
    {
        var page = await _host.Chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        await page.SetContentAsync("""
            <!DOCTYPE html><html><body style="margin:0">
            <div style="width:120px;overflow:hidden;white-space:nowrap">Thiết bị mất tín hiệu ở phường Long Thuận</div>
            <span style="position:absolute;left:10px;top:100px">Nghiêm trọng</span><span style="position:absolute;left:20px;top:104px">Cao</span>
            <div id="scrolled" style="position:absolute;left:600px;top:300px;width:200px;height:40px;overflow-y:auto"><p style="margin:0">Nhật ký xử lý</p><p style="margin:0;height:200px">Tiếp nhận</p></div>
            <span style="position:absolute;left:600px;top:282px">Ghi chú phía trên</span>
            <form style="width:200px"><input style="width:400px"></form>
            <div class="uplot" data-xticks='[{"label":"21:44","x":10,"w":40},{"label":"21:44","x":100,"w":40},{"label":"21:45","x":120,"w":40}]'></div>
            <div class="uplot" data-xspan="604800" data-xticks='[{"label":"08:00:00\n28/11","x":300,"w":60},{"label":"16:00:00\n28/11","x":500,"w":60}]'></div>
            <div class="uplot" data-xticks='[]' data-ytitle='{"label":"Network latency (ms)","w":150,"h":96}' style="height:96px"></div>
            <div id="untitled"><div class="uplot" data-xticks='[]' style="height:96px"></div></div>
            <div style="width:3000px;height:4px"></div>
            </body></html>
            """);

        await page.EvaluateAsync("() => document.getElementById('scrolled').scrollTop = 30");
        var found = await page.EvaluateAsync<string[]>(LayoutProblems);

        // A text scrolled out of its box is hidden, not over the text above the box.
        Assert.DoesNotContain(found, p => p.Contains("Nhật ký xử lý", StringComparison.Ordinal));
        Assert.Contains(found, p => p.StartsWith("text \"Thiết bị mất tín hiệu", StringComparison.Ordinal) && p.Contains("is cut by", StringComparison.Ordinal));
        Assert.Contains(found, p => p.Contains("\"Nghiêm trọng\"", StringComparison.Ordinal) && p.Contains("overlaps \"Cao\"", StringComparison.Ordinal));
        Assert.Contains(found, p => p.StartsWith("<input> sticks out of <form>", StringComparison.Ordinal));
        Assert.Contains(found, p => p.StartsWith("repeated time ticks: 21:44, 21:44, 21:45", StringComparison.Ordinal));
        Assert.Contains(found, p => p == "time ticks overlap: \"21:44\" and \"21:45\"");
        Assert.Contains(found, p => p.StartsWith("the page is wider than the window (3000 > 1280)", StringComparison.Ordinal));
        Assert.Contains(found, p => p.StartsWith("seconds on a time axis of 168 h", StringComparison.Ordinal));
        Assert.Contains(found, p => p == "the value axis's title \"Network latency (ms)\" (150 px) is longer than its chart is high (96 px)");
        Assert.Contains(found, p => p.StartsWith("a chart <div#untitled> does not say the value-axis title it drew", StringComparison.Ordinal));
        await page.CloseAsync();
    }

    private static async Task CheckAsync(IPage page, string name, string lang, int width, int height, List<string> problems)
    {
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, $"layout-{name}-{lang}-{width}x{height}.png") });
        var found = await page.EvaluateAsync<string[]>(LayoutProblems);
        problems.AddRange(found.Select(p => $"{name} {lang} {width}×{height}: {p}"));
    }

    /// <summary>The checks, in the page: a list of what is wrong, empty when nothing is.</summary>
    private const string LayoutProblems = """
        () => {
          const problems = [];
          // checkVisibility: the content of a closed <details> keeps client rects (content-visibility: hidden) but is not shown.
          const shown = el => { const s = getComputedStyle(el); return s.display !== 'none' && s.visibility !== 'hidden' && el.getClientRects().length > 0 && el.checkVisibility({ contentVisibilityAuto: true }); };
          // A box that cuts what does not fit (hidden, clip); one that scrolls (auto, scroll) lets a person see the rest.
          const clips = s => ['hidden', 'clip'].includes(s.overflowX) || ['hidden', 'clip'].includes(s.overflowY);
          const name = el => `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : ''}>`;
          if (document.documentElement.scrollWidth > innerWidth + 1) problems.push(`the page is wider than the window (${document.documentElement.scrollWidth} > ${innerWidth})`);

          // Texts: every element's own text, as the rectangle its characters cover.
          const texts = [];
          for (const el of document.body.querySelectorAll('*')) {
            if (el.closest('svg, canvas, script, style, select, option, textarea, [hidden], .u-legend') || !shown(el)) continue;
            const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim());
            if (own.length === 0) continue;
            // Each line the text covers (a link that wraps covers two short rectangles, not their union).
            const lines = [];
            const range = document.createRange();
            for (const node of own) {
              range.selectNodeContents(node);
              for (const r of range.getClientRects()) if (r.width >= 1 && r.height >= 1) lines.push({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
            }
            if (lines.length === 0) continue;
            const box = { left: Math.min(...lines.map(r => r.left)), top: Math.min(...lines.map(r => r.top)), right: Math.max(...lines.map(r => r.right)), bottom: Math.max(...lines.map(r => r.bottom)) };
            const text = own.map(n => n.textContent.trim()).join(' ').slice(0, 50);
            // What a person sees of it: its lines within every box that clips or scrolls (a detail panel scrolled down
            // hides its title; that title overlaps nothing on the screen).
            let seen = lines;
            for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
              const s = getComputedStyle(a);
              if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
              const b = a.getBoundingClientRect();
              seen = seen.map(r => ({ left: Math.max(r.left, b.left), top: Math.max(r.top, b.top), right: Math.min(r.right, b.right), bottom: Math.min(r.bottom, b.bottom) }))
                .filter(r => r.right - r.left >= 1 && r.bottom - r.top >= 1);
            }
            texts.push({ el, lines: seen, text });
            const self = el.getBoundingClientRect();
            if (!clips(getComputedStyle(el)) && (box.right > self.right + 2 || box.left < self.left - 2 || box.bottom > self.bottom + 2)) problems.push(`text "${text}" sticks out of its box ${name(el)}`);
            for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
              const s = getComputedStyle(a);
              if (!clips(s)) continue;
              const b = a.getBoundingClientRect();
              const inside = box.left >= b.left - 1 && box.right <= b.right + 1 && box.top >= b.top - 1 && box.bottom <= b.bottom + 1;
              const outside = box.right <= b.left || box.left >= b.right || box.bottom <= b.top || box.top >= b.bottom;
              if (!inside && !outside) { problems.push(`text "${text}" is cut by ${name(a)}`); break; }
            }
          }
          for (let i = 0; i < texts.length; i++) {
            for (let j = i + 1; j < texts.length; j++) {
              const a = texts[i], b = texts[j];
              if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
              const over = a.lines.some(p => b.lines.some(q => Math.min(p.right, q.right) - Math.max(p.left, q.left) > 2 && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 2));
              if (over) problems.push(`"${a.text}" ${name(a.el)} overlaps "${b.text}" ${name(b.el)}`);
            }
          }

          // Form controls inside their box (a login field spilling out of its form).
          for (const el of document.body.querySelectorAll('input:not([type=hidden]), select, textarea, button')) {
            if (!shown(el) || el.closest('[hidden]')) continue;
            const parent = el.parentElement;
            if (getComputedStyle(parent).display === 'inline') continue;
            const r = el.getBoundingClientRect(), p = parent.getBoundingClientRect();
            if (r.right > p.right + 2 || r.left < p.left - 2) problems.push(`${name(el)} sticks out of ${name(parent)} (${Math.round(r.left)}–${Math.round(r.right)} in ${Math.round(p.left)}–${Math.round(p.right)})`);
          }

          // Chart time ticks (js/charts.js records them): distinct, and apart.
          for (const chart of document.querySelectorAll('.uplot[data-xticks]')) {
            const ticks = JSON.parse(chart.dataset.xticks).sort((a, b) => a.x - b.x);
            const span = Number(chart.dataset.xspan || 0);
            if (span > 2 * 3600 && ticks.some(t => /\d\d:\d\d:\d\d/.test(t.label))) problems.push(`seconds on a time axis of ${Math.round(span / 3600)} h: ${ticks.map(t => t.label.replace('\n', ' ')).join(', ')}`);
            // The same clock time on two days is two moments (the date under the day's first tick says which).
            if (new Set(ticks.map(t => (t.day || '') + ' ' + t.label)).size !== ticks.length) problems.push(`repeated time ticks: ${ticks.map(t => t.label.replace('\n', ' ')).join(', ')}`);
            for (let i = 1; i < ticks.length; i++) {
              if (ticks[i - 1].x + ticks[i - 1].w / 2 + 2 > ticks[i].x - ticks[i].w / 2) problems.push(`time ticks overlap: "${ticks[i - 1].label.replace('\n', ' ')}" and "${ticks[i].label.replace('\n', ' ')}"`);
            }
          }
          // A chart's value-axis title no longer than the plot it runs up (canvas text is cut, not wrapped); every chart
          // shown says what title it drew (js/charts.js fitValueTitle), so a chart drawn without the fitting is found too.
          for (const chart of document.querySelectorAll('.uplot[data-xticks]')) {
            if (!shown(chart)) continue;
            if (!chart.dataset.ytitle) { problems.push(`a chart ${name(chart.parentElement)} does not say the value-axis title it drew`); continue; }
            const title = JSON.parse(chart.dataset.ytitle);
            if (title.w > title.h) problems.push(`the value axis's title "${title.label}" (${title.w} px) is longer than its chart is high (${title.h} px)`);
          }
          return problems;
        }
        """;
}
