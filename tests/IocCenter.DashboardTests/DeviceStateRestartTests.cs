using System.Text.Json;

namespace IocCenter.DashboardTests;

/// <summary>The all-in-one host killed with SIGKILL and started again with no device reporting since: the screens' device states are back.</summary>
public sealed class DeviceStateRestartTests : IAsyncLifetime
{
    private readonly DashboardProcess _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task DeviceStates_SurviveASigkilledRestart_WithoutAnyNewReport()
    {
        const int Devices = DashboardProcess.Traffic + DashboardProcess.Environment + DashboardProcess.Connectivity;
        await _server.StartAsync("--AllInOne:DeviceStateSaveInterval=00:00:00.500");
        Dictionary<string, JsonElement> before;
        using (var admin = await _server.AdminAsync())
        {
            before = await IntegrationTests.Eventually.WaitAsync(
                () => DevicesAsync(admin),
                d => d.Count == Devices && d.Values.All(x => x.GetProperty("online").GetBoolean() && x.GetProperty("values").EnumerateObject().Any()),
                TimeSpan.FromSeconds(30),
                "every simulated device online with values");
        }

        await Task.Delay(TimeSpan.FromSeconds(1.5)); // three save intervals
        await _server.StopAsync(); // SIGKILL

        // Again on the same data, but with the simulated fleet off: nothing reports, only the saved states can show.
        await _server.StartAsync("--AllInOne:Simulators=false");
        using var again = await _server.AdminAsync();
        var after = await DevicesAsync(again);

        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (id, was) in before)
        {
            var now = after[id];
            Assert.True(now.GetProperty("online").GetBoolean(), id + " online again");
            Assert.Equal(was.GetProperty("area").GetString(), now.GetProperty("area").GetString());
            Assert.Equal(was.GetProperty("name").GetString(), now.GetProperty("name").GetString());
            Assert.True(now.GetProperty("ts").GetInt64() >= was.GetProperty("ts").GetInt64(), id + ": the saved reading is the last one seen, or later");
            Assert.Equal(was.GetProperty("values").EnumerateObject().Select(p => p.Name).Order(), now.GetProperty("values").EnumerateObject().Select(p => p.Name).Order());
        }
    }

    private static async Task<Dictionary<string, JsonElement>> DevicesAsync(HttpClient client)
    {
        using var body = JsonDocument.Parse(await client.GetStringAsync("api/devices"));
        return body.RootElement.EnumerateArray().ToDictionary(d => d.GetProperty("id").GetString()!, d => d.Clone());
    }
}
