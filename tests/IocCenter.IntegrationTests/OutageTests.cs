using IocCenter.Simulators.Fleet;
using Xunit.Abstractions;

namespace IocCenter.IntegrationTests;

public enum InfluxOutage
{
    /// <summary><c>docker stop</c>: connections are refused.</summary>
    Stopped,

    /// <summary><c>docker pause</c>: connections open but nothing answers, so every request times out.</summary>
    Paused,
}

/// <summary>
/// iocc-ingest (its own process) between a real mosquitto and a real InfluxDB while one of them goes away mid-stream:
/// InfluxDB stopped or paused for 60 s at 5,000 readings/s, and the broker restarted.
/// </summary>
public sealed class OutageTests(ServicesFixture services, ITestOutputHelper output) : IClassFixture<ServicesFixture>, IDisposable
{
    private const int Rate = 5_000;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private readonly TempFolder _folder = new();
    private readonly string _database = "it_" + Guid.NewGuid().ToString("N")[..12];

    public void Dispose() => _folder.Dispose();

    /// <summary>
    /// Stopped: with a 16 MB journal, which fills about 20 s into the outage; from then on ingest stops acknowledging
    /// and mosquitto holds the rest. Paused: with the default journal (2 GB), which takes the whole minute.
    /// </summary>
    [Theory]
    [InlineData(InfluxOutage.Stopped, 16L << 20)]
    [InlineData(InfluxOutage.Paused, 0L)]
    public async Task InfluxDbAwayFor60sAt5000ReadingsPerSecond_ReadingsWaitOnDisk_AndExactlyThePublishedCountIsStored(InfluxOutage outage, long journalMaxBytes)
    {
        const int Readings = Rate * 80; // 10 s before the outage, 60 s of it, 10 s after
        var influx = services.InfluxClient(_database);
        string[] settings = journalMaxBytes > 0 ? [$"--Ingest:JournalMaxBytes={journalMaxBytes}", "--Ingest:JournalSegmentBytes=1048576"] : [];
        using var ingest = await IngestProcess.StartAsync(services, _database, _folder.Path, "ingest-outage-" + outage, settings);
        await using var fleet = new FleetRunner(Paced("io" + (int)outage, Readings), TestFleet.Province);
        var run = fleet.RunAsync(CancellationToken.None);

        await Eventually.WaitAsync(influx.TelemetryCountAsync, n => n >= Rate * 5, Deadline, "stored before the outage");
        await (outage == InfluxOutage.Stopped ? services.Influx.StopAsync() : services.Influx.PauseAsync());
        var outageStarted = DateTime.UtcNow;
        var sentAtOutage = fleet.Progress.Sent;

        // Watch /health and /metrics for the minute, once a second.
        var samples = new List<Sample>();
        while (DateTime.UtcNow - outageStarted < TimeSpan.FromSeconds(60))
        {
            samples.Add(await SampleAsync(ingest, fleet));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var sentInOutage = fleet.Progress.Sent - sentAtOutage;
        await (outage == InfluxOutage.Stopped ? services.Influx.StartAsync() : services.Influx.UnpauseAsync());

        // Catching up, while the fleet still publishes.
        var catchingUp = new List<Sample>();
        while (!run.IsCompleted && catchingUp.Count < 30)
        {
            catchingUp.Add(await SampleAsync(ingest, fleet));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(Readings, (await run).Sent);
        await Eventually.WaitAsync(ingest.PendingAsync, n => n == 0, Deadline, "journal drained");
        var stored = await Eventually.WaitAsync(influx.TelemetryCountAsync, n => n >= Readings, Deadline, "points stored");
        foreach (var s in samples.Concat(catchingUp))
        {
            output.WriteLine(s.ToString());
        }

        Assert.Equal(Readings, stored); // exactly: none lost, none doubled
        Assert.InRange(sentInOutage, Rate * 40, Readings); // the fleet really kept publishing through the outage
        Assert.Contains(samples, s => !s.StoreReachable && s.Status == "Unhealthy");
        Assert.All(samples, s => Assert.InRange(Math.Abs(s.PendingPoints - s.PendingPointsMetric), 0, Rate * 2)); // /metrics agrees with /health
        var peak = samples.MaxBy(s => s.PendingPoints)!;
        if (journalMaxBytes > 0)
        {
            // Full: ingest stopped acknowledging (its accepted count stood still) while the fleet kept publishing into the broker.
            var full = samples.Where(s => s.Description?.Contains("journal full", StringComparison.Ordinal) == true).ToList();
            Assert.True(full.Count >= 10, $"journal full in {full.Count} samples");
            Assert.All(samples, s => Assert.InRange(s.PendingBytes, 0, journalMaxBytes + (4L << 20)));
            Assert.InRange(full[^1].Accepted - full[0].Accepted, 0, Rate * 2);
            Assert.True(full[^1].Sent - full[0].Sent >= Rate * 5, "the fleet kept publishing while the journal was full");
        }
        else
        {
            // The whole minute waited on disk.
            Assert.InRange(peak.PendingPoints, Rate * 40, Readings);
            Assert.DoesNotContain(samples, s => s.Description?.Contains("journal full", StringComparison.Ordinal) == true);
        }

        // Replay shared the time with live data: the backlog shrank while new readings were still being accepted.
        Assert.Contains(catchingUp.Zip(catchingUp.Skip(1)), p => p.Second.PendingPoints < p.First.PendingPoints && p.Second.Accepted > p.First.Accepted && p.Second.Sent > p.First.Sent);
    }

    [Fact]
    public async Task BrokerRestartedMidStream_IngestResumesItsSession_AndEveryQos1ReadingIsStoredOnce()
    {
        const int Readings = Rate * 20;
        var influx = services.InfluxClient(_database);
        using var ingest = await IngestProcess.StartAsync(services, _database, _folder.Path, "ingest-broker-restart");
        await using var fleet = new FleetRunner(Paced("br", Readings), TestFleet.Province);
        var run = fleet.RunAsync(CancellationToken.None);

        await Eventually.WaitAsync(() => Task.FromResult(fleet.Progress.Sent), n => n >= Readings / 4, Deadline, "a quarter sent");
        await services.Mosquitto.StopAsync(); // SIGTERM: mosquitto saves sessions and their queued messages
        await Eventually.WaitAsync(async () => (await ingest.HealthAsync()).Data.GetProperty("broker_connected").GetBoolean(), c => !c, Deadline, "ingest sees the broker gone");
        var sentWhileDown = fleet.Progress.Sent;
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(sentWhileDown, fleet.Progress.Sent); // nothing reaches a stopped broker
        await services.Mosquitto.StartAsync();

        Assert.Equal(Readings, (await run).Sent);
        await Eventually.WaitAsync(ingest.PendingAsync, n => n == 0, Deadline, "journal drained");
        var stored = await Eventually.WaitAsync(influx.TelemetryCountAsync, n => n >= Readings, Deadline, "points stored");

        Assert.Equal(Readings, stored);
        Assert.True(fleet.Progress.Errors > 0, "publishers had to retry across the restart");
        Assert.True(await ingest.MetricAsync("ioc_ingest_broker_connects_total", "session_present=\"true\"") >= 1, "ingest resumed its persistent session");
    }

    private FleetOptions Paced(string prefix, int readings)
    {
        var options = TestFleet.Flood(services.MqttUrl, prefix, readings);
        options.Pacing = Pacing.Rate;
        options.Rate = Rate;
        return options;
    }

    private static async Task<Sample> SampleAsync(IngestProcess ingest, FleetRunner fleet)
    {
        var (status, description, data) = await ingest.HealthAsync();
        return new Sample(
            DateTime.UtcNow,
            status,
            description,
            data.GetProperty("store_reachable").GetBoolean(),
            data.GetProperty("journal_points_pending").GetInt64(),
            data.GetProperty("journal_bytes_pending").GetInt64(),
            (long)await ingest.MetricAsync("ioc_ingest_points_pending"),
            (long)await ingest.MetricAsync("ioc_ingest_readings_accepted_total"),
            fleet.Progress.Sent);
    }

    private sealed record Sample(DateTime At, string Status, string? Description, bool StoreReachable, long PendingPoints, long PendingBytes, long PendingPointsMetric, long Accepted, long Sent);
}
