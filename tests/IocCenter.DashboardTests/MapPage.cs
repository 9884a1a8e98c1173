using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.DashboardTests;

/// <summary>What the map tests read from a page: the province map's shapes and its labels' boxes, measured in the page.</summary>
internal static class MapPage
{
    /// <summary>Every placed area label's box on screen, and how many pairs of them intersect.</summary>
    public sealed record Labels(int Count, int Overlaps, double SmallestFontPx, string[] Codes);

    public static async Task<Labels> LabelsAsync(IPage page)
    {
        var result = await page.EvaluateAsync<JsonElement>("""
            () => {
              const labels = [...document.querySelectorAll('#map .area-label')];
              const boxes = labels.map(t => t.getBoundingClientRect());
              let overlaps = 0;
              for (let i = 0; i < boxes.length; i++)
                for (let j = i + 1; j < boxes.length; j++) {
                  const a = boxes[i], b = boxes[j];
                  if (a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top) overlaps++;
                }
              const sizes = labels.map(t => parseFloat(getComputedStyle(t).fontSize));
              return { count: labels.length, overlaps, smallest: sizes.length ? Math.min(...sizes) : 0, codes: labels.map(t => t.dataset.code) };
            }
            """);
        return new(
            result.GetProperty("count").GetInt32(),
            result.GetProperty("overlaps").GetInt32(),
            result.GetProperty("smallest").GetDouble(),
            [.. result.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!)]);
    }

    /// <summary>The outline's box as a share of the map's box (width, height), and whether it lies inside the map.</summary>
    public static async Task<(double Width, double Height, bool Inside)> OutlineFitAsync(IPage page)
    {
        var result = await page.EvaluateAsync<JsonElement>("""
            () => {
              const map = document.getElementById('map').getBoundingClientRect();
              const o = document.querySelector('#map path.outline').getBoundingClientRect();
              return { w: o.width / map.width, h: o.height / map.height,
                       inside: o.left >= map.left - 1 && o.top >= map.top - 1 && o.right <= map.right + 1 && o.bottom <= map.bottom + 1 };
            }
            """);
        return (result.GetProperty("w").GetDouble(), result.GetProperty("h").GetDouble(), result.GetProperty("inside").GetBoolean());
    }

    /// <summary>A device reports, then says it goes offline (retained, as its last will would): a device_offline incident.</summary>
    public static async Task PublishOfflineAsync(int brokerPort, string device, string domain)
    {
        using var mqtt = new MqttClientFactory().CreateMqttClient();
        await mqtt.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", brokerPort).WithClientId("map-test-" + device).Build());
        await mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"ioc/v1/{domain}/{device}/status").WithPayload("offline"u8.ToArray()).WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await mqtt.DisconnectAsync();
    }

    /// <summary>The first device of the fleet in a domain, from the API.</summary>
    public static async Task<string> FirstDeviceAsync(DashboardProcess server, string domain)
    {
        using var admin = await server.AdminAsync();
        using var devices = JsonDocument.Parse(await admin.GetStringAsync($"api/devices?domain={domain}"));
        return devices.RootElement[0].GetProperty("id").GetString()!;
    }

    public static async Task<IPage> OpenWallAsync(DebianChromium chromium, DashboardProcess server, int width, int height, string query = "")
    {
        var page = await chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        WatchErrors(page);
        await page.GotoAsync(await server.KioskLinkAsync() + query);
        await page.Locator("body[data-live=true]").WaitForAsync(new() { Timeout = 15_000 });
        await page.Locator("#map[data-ready=true]").WaitForAsync(new() { Timeout = 15_000 });
        return page;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, StringBuilder> Errors = [];

    /// <summary>Keeps the page's script errors, console errors (a Content-Security-Policy refusal is one) and failed requests (the browser's own favicon request aside).</summary>
    public static void WatchErrors(IPage page)
    {
        var errors = Errors.GetOrCreateValue(page);
        page.PageError += (_, e) => { lock (errors) { errors.AppendLine(e); } };
        page.Console += (_, m) =>
        {
            if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                lock (errors) { errors.AppendLine(m.Text); }
            }
        };
        page.Response += (_, r) =>
        {
            if (r.Status >= 400 && !r.Url.EndsWith("/favicon.ico", StringComparison.Ordinal))
            {
                lock (errors) { errors.AppendLine($"{r.Status} {r.Url}"); }
            }
        };
    }

    public static void AssertNoErrors(IPage page)
    {
        var errors = Errors.GetOrCreateValue(page);
        lock (errors)
        {
            Assert.True(errors.Length == 0, "errors in the page: " + errors);
        }
    }
}
