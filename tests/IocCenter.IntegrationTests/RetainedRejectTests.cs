using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace IocCenter.IntegrationTests;

/// <summary>
/// Issue 14 against a real mosquitto, with Debian's <c>mosquitto_pub</c> as the device: a retained invalid status is
/// dead-lettered once, whether ingest first sees it live or as the retained copy a new subscription gets, and not
/// again when ingest subscribes anew (a new session) — also after a restart of ingest on the same data folder.
/// </summary>
public sealed class RetainedRejectTests(ServicesFixture services) : IClassFixture<ServicesFixture>, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _database = "it_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _run = Guid.NewGuid().ToString("N")[..6];

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ARetainedInvalidStatus_IsDeadLetteredOnce_AcrossNewSubscriptionsAndARestart()
    {
        long repeats = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "ioc.ingest.messages.retained_repeats")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref repeats, value));
        listener.Start();

        var before = $"ioc/v1/traffic/rr-before-{_run}/status"; // retained before ingest subscribed: arrives as a retained copy
        var live = $"ioc/v1/traffic/rr-live-{_run}/status";     // retained while ingest is subscribed: arrives live
        await MosquittoPubAsync(before, "garbage");

        using (var first = await IngestHost.StartAsync(services, _database, _folder.Path, "ingest-rr1-" + _run))
        {
            await MosquittoPubAsync(live, "not a status");
            await Eventually.WaitAsync(() => Task.FromResult((DeadLetters(before), DeadLetters(live))), n => n == (1, 1), TimeSpan.FromSeconds(30), "both dead-lettered");
            await first.StopAsync();
        }

        // A new session (another client id) subscribes anew: mosquitto sends both retained messages again.
        using (var second = await IngestHost.StartAsync(services, _database, _folder.Path, "ingest-rr2-" + _run))
        {
            await Eventually.WaitAsync(() => Task.FromResult(Interlocked.Read(ref repeats)), n => n >= 2, TimeSpan.FromSeconds(30), "both repeats counted");
            await second.StopAsync();
        }

        Assert.Equal((1, 1), (DeadLetters(before), DeadLetters(live)));
    }

    private int DeadLetters(string topic) =>
        Directory.Exists(Path.Combine(_folder.Path, "deadletters"))
            ? Directory.GetFiles(Path.Combine(_folder.Path, "deadletters"), "*.jsonl").Sum(f => File.ReadAllLines(f).Count(l => l.Contains($"\"topic\":\"{topic}\"", StringComparison.Ordinal)))
            : 0;

    private async Task MosquittoPubAsync(string topic, string payload)
    {
        var start = new ProcessStartInfo("mosquitto_pub") { RedirectStandardError = true };
        foreach (var arg in new[] { "-h", services.MqttUrl.Host, "-p", services.MqttUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "rr-device-" + _run, "-q", "1", "-r", "-t", topic, "-m", payload })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
    }
}
