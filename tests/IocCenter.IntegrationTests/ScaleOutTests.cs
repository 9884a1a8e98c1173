using IocCenter.Simulators.Fleet;

namespace IocCenter.IntegrationTests;

/// <summary>
/// Scale-out on the broker's shared subscriptions: three iocc-ingest processes in one <c>$share/ingest/…</c> group
/// between a real mosquitto and a real InfluxDB, one of them killed with SIGKILL mid-stream and started again.
/// </summary>
public sealed class ScaleOutTests(ServicesFixture services) : IClassFixture<ServicesFixture>, IDisposable
{
    private const int Readings = 30_000;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private readonly TempFolder _folder = new();
    private readonly string _database = "it_" + Guid.NewGuid().ToString("N")[..12];

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ThreeIngestInstancesInOneSharedGroup_SplitTheLoad_AndOneKilledAndRestarted_StillStoreExactlyWhatWasPublished()
    {
        var influx = services.InfluxClient(_database);
        Task<IngestProcess> Start(string name) =>
            IngestProcess.StartAsync(services, _database, Path.Combine(_folder.Path, name), "ingest-scale-" + name, "--Mqtt:SharedGroup=ingest");
        var instances = new[] { await Start("a"), await Start("b"), await Start("c") };
        try
        {
            await using var fleet = new FleetRunner(TestFleet.Flood(services.MqttUrl, "sc", Readings), TestFleet.Province);
            var run = fleet.RunAsync(CancellationToken.None);

            await Eventually.WaitAsync(() => Task.FromResult(fleet.Progress.Sent), n => n >= Readings / 3, Deadline, "a third sent");
            instances[1].Kill(); // SIGKILL: what it had in flight stays with the broker, in its session
            await Eventually.WaitAsync(() => Task.FromResult(fleet.Progress.Sent), n => n >= Readings * 2 / 3, Deadline, "two thirds sent, one instance dead");
            instances[1].Dispose();
            instances[1] = await Start("b");

            Assert.Equal(Readings, (await run).Sent);
            await Eventually.WaitAsync(influx.TelemetryCountAsync, n => n >= Readings, Deadline, "points stored");
            foreach (var instance in instances)
            {
                await Eventually.WaitAsync(instance.PendingAsync, n => n == 0, Deadline, "journal drained");
            }

            Assert.Equal(Readings, await influx.TelemetryCountAsync());
            var shares = new List<double>();
            foreach (var instance in instances)
            {
                shares.Add(await instance.MetricAsync("ioc_ingest_readings_accepted_total"));
            }

            // Each live instance took a real share (the restarted one counts from its restart).
            Assert.All(new[] { shares[0], shares[2] }, share => Assert.InRange(share, Readings / 10.0, Readings));
        }
        finally
        {
            foreach (var instance in instances)
            {
                instance.Dispose();
            }
        }
    }
}
