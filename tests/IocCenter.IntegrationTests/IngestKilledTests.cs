using IocCenter.Simulators.Fleet;

namespace IocCenter.IntegrationTests;

/// <summary>
/// The ingest service as its own process (<c>iocc-ingest</c>) between a real mosquitto and a real InfluxDB, killed with
/// SIGKILL mid-stream — no shutdown code runs — and started again on the same data folder and client id.
/// </summary>
public sealed class IngestKilledTests(ServicesFixture services) : IClassFixture<ServicesFixture>, IDisposable
{
    private const int Readings = 20_000;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private readonly TempFolder _folder = new();
    private readonly string _database = "it_" + Guid.NewGuid().ToString("N")[..12];

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task IngestKilledWithSigkillMidStream_AndStartedAgain_StoresExactlyWhatWasPublished_WithoutDuplicates()
    {
        var influx = services.InfluxClient(_database);
        using var first = await IngestProcess.StartAsync(services, _database, _folder.Path, "ingest-killed");
        await using var fleet = new FleetRunner(TestFleet.Flood(services.MqttUrl, "kill", Readings), TestFleet.Province);
        var run = fleet.RunAsync(CancellationToken.None);

        await Eventually.WaitAsync(() => Task.FromResult(fleet.Progress.Sent), n => n >= Readings / 4, Deadline, "first quarter sent");
        first.Kill(); // SIGKILL: deliveries in flight are unacknowledged, the journal's tail may be torn
        var storedWhenKilled = await influx.TelemetryCountAsync();
        await Eventually.WaitAsync(() => Task.FromResult(fleet.Progress.Sent), n => n >= Readings / 2, Deadline, "half sent while ingest is dead");

        using var second = await IngestProcess.StartAsync(services, _database, _folder.Path, "ingest-killed");
        Assert.Equal(Readings, (await run).Sent);
        await Eventually.WaitAsync(influx.TelemetryCountAsync, n => n >= Readings, Deadline, "points stored");
        await Eventually.WaitAsync(second.PendingAsync, n => n == 0, Deadline, "journal drained");
        Assert.Equal(Readings, await influx.TelemetryCountAsync());
        Assert.True(first.Killed);
        Assert.InRange(storedWhenKilled, 0, Readings / 2); // it really was mid-stream: most came after the kill
    }
}
