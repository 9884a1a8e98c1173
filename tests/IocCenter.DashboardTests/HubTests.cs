using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using IocCenter.Analytics.Incidents;
using IocCenter.Dashboard.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace IocCenter.DashboardTests;

/// <summary>The all-in-one host in process (WebApplicationFactory; its embedded broker and fleet are real), watched through /hubs/ioc.</summary>
public sealed class HubTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "iocc-hub-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<HubConnection> _connections = [];
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        var brokerPort = FreePort();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("AllInOne:BrokerPort", brokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("AllInOne:BrokerAddress", "127.0.0.1");
            web.UseSetting("AllInOne:DataPath", _data);
            web.UseSetting("Simulator:Traffic", "4");
            web.UseSetting("Simulator:Environment", "2");
            web.UseSetting("Simulator:Connectivity", "4");
            web.UseSetting("Simulator:Interval", "00:00:01");
            web.UseSetting("Simulator:Prefix", "ht");
            web.UseSetting("Analytics:MlEnabled", "false");
        });
        _ = _factory.Server; // start
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var c in _connections)
        {
            await c.DisposeAsync();
        }

        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<(HubConnection Connection, Channel<object> Messages)> ConnectAsync()
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_factory.Server.BaseAddress, "hubs/ioc"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.WebSocketFactory = async (context, token) => await _factory.Server.CreateWebSocketClient().ConnectAsync(context.Uri, token);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)))
            .Build();
        var messages = Channel.CreateUnbounded<object>();
        connection.On<Snapshot>("snapshot", s => messages.Writer.TryWrite(s));
        connection.On<Delta>("delta", d => messages.Writer.TryWrite(d));
        connection.On<Incident>("incident", i => messages.Writer.TryWrite(i));
        _connections.Add(connection);
        await connection.StartAsync();
        return (connection, messages);
    }

    private static async Task<T> NextAsync<T>(Channel<object> messages, Func<T, bool>? match = null, int seconds = 15)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var message = await messages.Reader.ReadAsync(timeout.Token);
            if (message is T typed && (match is null || match(typed)))
            {
                return typed;
            }
        }
    }

    [Fact]
    public async Task OnConnect_ASnapshotOfTheProvince_ThenDeltasWithTheFleetsReadings()
    {
        var (_, messages) = await ConnectAsync();

        var snapshot = await NextAsync<Snapshot>(messages);
        Assert.Equal("Đồng Tháp", snapshot.Province);
        Assert.Equal(11, snapshot.Areas.Count);
        Assert.Equal(10, snapshot.Devices.Count);
        Assert.All(snapshot.Devices, d => Assert.NotNull(d.Lat));

        // Readings go simulator → embedded broker → ingest → the screens; only changed devices are sent.
        var delta = await NextAsync<Delta>(messages, d => d.Devices.Any(x => x.Values.Count > 0 && x.Online));
        Assert.InRange(delta.Devices.Count, 1, 10);
        Assert.Contains(delta.Devices, d => d.Domain == "traffic" && d.Values.ContainsKey("avg_speed_kmh"));
        Assert.True(delta.Kpis.Total["traffic"] == 4 && delta.Kpis.Total["connectivity"] == 4);
        Assert.NotNull(delta.Chart);
    }

    [Fact]
    public async Task AnIncidentAndItsAcknowledgement_ReachEveryScreen()
    {
        var (_, first) = await ConnectAsync();
        var (_, second) = await ConnectAsync();
        await NextAsync<Snapshot>(first);
        await NextAsync<Snapshot>(second);
        var service = _factory.Services.GetRequiredService<IncidentService>();

        var raised = await service.RaiseAsync(IncidentKind.Congestion, "ht-trf-sa-dec-001", "sa-dec", Severity.Major, new Evidence("rule", 0.9, Detail: "test"));
        await service.AcknowledgeAsync(raised.Id, "officer-a", "đã cử lực lượng");

        foreach (var screen in new[] { first, second })
        {
            var opened = await NextAsync<Incident>(screen, i => i.Id == raised.Id);
            Assert.Equal(IncidentState.Open, opened.State);
            var acknowledged = await NextAsync<Incident>(screen, i => i.Id == raised.Id && i.State == IncidentState.Acknowledged);
            Assert.Equal("officer-a", acknowledged.AcknowledgedBy);
        }
    }

    [Fact]
    public async Task Watch_NarrowsTheScreenToOneDomain()
    {
        var (connection, messages) = await ConnectAsync();
        await NextAsync<Snapshot>(messages);

        await connection.InvokeAsync("Watch", "environment", null);

        var snapshot = await NextAsync<Snapshot>(messages);
        Assert.Equal(2, snapshot.Devices.Count);
        Assert.All(snapshot.Devices, d => Assert.Equal("environment", d.Domain));
        var delta = await NextAsync<Delta>(messages, d => d.Devices.Count > 0);
        Assert.All(delta.Devices, d => Assert.Equal("environment", d.Domain));
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => connection.InvokeAsync("Watch", "weather", null));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
