using System.Buffers;
using System.Text;
using System.Text.Json;
using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Incidents;
using IocCenter.Telemetry;
using IocCenter.Tests.Ingest.Pipeline;

namespace IocCenter.Tests.Analytics.Detectors;

/// <summary>
/// The hostile corpus's accepted cases (<c>tests/corpus/hostile/accepted/</c>): messages the contract accepts (a
/// subnormal within a metric's range, any finite double on a metric the catalog does not know) that once stopped
/// detection. Each is stored by the real pipeline like any reading, then goes through the whole detector set as its
/// device's first readings, and an ordinary problem of that same device must still become an incident.
/// </summary>
public sealed class AcceptedHostileCorpusTests
{
    private const long ReceivedMs = 1_795_341_040_000; // 2026-11-22, after every ts in the corpus

    public static TheoryData<string> Cases() =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "corpus", "hostile", "accepted"), "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)];

    [Fact]
    public void TheCorpusHasTheSubnormalAndLargestDoubleCases() => Assert.True(Cases().Count >= 5, $"{Cases().Count} accepted cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EachCase_IsStored_AndTheDeviceStillRaisesAnOrdinaryIncidentAfterwards(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", "hostile", "accepted", name + ".json")));
        var topic = json.RootElement.GetProperty("topic").GetString()!;
        var payload = Encoding.UTF8.GetBytes(json.RootElement.GetProperty("payload").GetString()!);
        Assert.Equal(RejectReason.None, TelemetryTopic.TryParse(topic, new NamePool(), out var parsedTopic));
        var (device, domain) = (parsedTopic.DeviceId, parsedTopic.Domain);

        // Stored like any reading: journaled, not dead-lettered.
        using (var harness = new PipelineHarness())
        {
            await harness.AcceptAsync(topic, payload);
            await harness.Pipeline.FlushAsync(CancellationToken.None);
            Assert.Empty(harness.DeadLetterLines());
            Assert.True(harness.Journal.End > 0, "nothing journaled");
        }

        var batch = new TelemetryBatch();
        Assert.Equal(RejectReason.None, new TelemetryPayloadParser(new ContractLimits()).Parse(new ReadOnlySequence<byte>(payload), ReceivedMs, batch, out var detail));
        var detectors = new DetectorSet(new RuleOptions(), anomalyThreshold: 0.8);
        var changes = new List<ConditionChange>();
        var run = Task.Run(() =>
        {
            var t = ReceivedMs;
            for (var i = 0; i < batch.Count; i++)
            {
                var (score, _) = detectors.Observe(new DeviceSample(device, domain, "an-1", batch.TimestampMs(i), batch.Metrics(i)), changes);
                Assert.True(double.IsFinite(score), $"score {score}");
            }

            // What a person reads about these values stays a sentence (a 10³⁰⁸ reading was once 309 digits of it).
            Assert.All(changes, c => Assert.True((c.Evidence.Detail?.Length ?? 0) <= 600, $"{c.Evidence.Detail?.Length} characters of evidence"));
            if (name.Contains("stuck", StringComparison.Ordinal))
            {
                Assert.Contains(changes, c => c.Kind == IncidentKind.SensorFault && c.Present && c.Evidence.Detail!.Contains("1,8E+308", StringComparison.Ordinal));
            }
            changes.Clear();
            var (kind, minutes, trouble) = OrdinaryTrouble(domain);
            for (var m = 0; m < minutes; m++)
            {
                t += 60_000;
                detectors.Observe(new DeviceSample(device, domain, "an-1", t, trouble(m)), changes);
            }

            Assert.Contains(changes, c => c.Kind == kind && c.DeviceId == device && c.Present);
            Assert.All(changes, c => Assert.True((c.Evidence.Detail?.Length ?? 0) <= 600, $"{c.Evidence.Detail?.Length} characters of evidence"));
        });
        try
        {
            await run.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{name}: the detectors did not finish within 60 s (a hang); {detail}");
        }
    }

    /// <summary>What an ordinary problem of the domain looks like, and how long until it must be an incident.</summary>
    private static (IncidentKind Kind, int Minutes, Func<int, MetricValue[]> Reading) OrdinaryTrouble(TelemetryDomain domain) => domain switch
    {
        TelemetryDomain.Traffic => (IncidentKind.Congestion, 10, m => [new("vehicle_count", 4, true), new("avg_speed_kmh", 6 + (m % 2), false), new("occupancy_pct", 85, false)]),
        TelemetryDomain.Environment => (IncidentKind.AirQuality, 14 * 60, m => [new("pm25_ugm3", 250 + (m % 7), false), new("pm10_ugm3", 300 + (m % 5), false)]),
        _ => (IncidentKind.ConnectivityDegraded, 10, m => [new("packet_loss_pct", 30 + (m % 3), false), new("latency_ms", 900 + m, false)]),
    };
}
