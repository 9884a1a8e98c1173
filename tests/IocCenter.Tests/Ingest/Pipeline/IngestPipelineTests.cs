using System.Text.Json;
using IocCenter.Devices;
using IocCenter.Telemetry;

namespace IocCenter.Tests.Ingest.Pipeline;

public class IngestPipelineTests
{
    private const string Traffic = "ioc/v1/traffic/dt-trf-001/telemetry";

    [Fact]
    public async Task AcceptAsync_AcknowledgesOnlyAfterTheCommit_InArrivalOrder()
    {
        using var harness = new PipelineHarness();
        await harness.AcceptAsync(Traffic, """{"ts":"2026-11-22T09:59:00Z","metrics":{"vehicle_count":3}}""");
        await harness.AcceptAsync(Traffic, """{"metrics":{"humidity_pct":300}}""");
        await harness.AcceptAsync(Traffic, """{"ts":"2026-11-22T09:59:01Z","metrics":{"vehicle_count":4}}""");

        Assert.Empty(harness.Acknowledged);
        Assert.Equal(0, harness.Journal.End);

        await harness.Pipeline.FlushAsync(CancellationToken.None);

        Assert.Equal(3, harness.Acknowledged.Count);
        Assert.Contains("\"vehicle_count\":3", harness.Acknowledged[0]);
        Assert.Contains("humidity_pct", harness.Acknowledged[1]);
        Assert.Contains("\"vehicle_count\":4", harness.Acknowledged[2]);
        Assert.Equal(
            "traffic,device=dt-trf-001 vehicle_count=3i 1795341540000\ntraffic,device=dt-trf-001 vehicle_count=4i 1795341541000\n",
            harness.JournalText());
    }

    [Fact]
    public async Task AcceptAsync_InvalidMessage_IsDeadLetteredBeforeItIsAcknowledged()
    {
        using var harness = new PipelineHarness();
        await harness.AcceptAsync("ioc/v1/traffic/bad,id/telemetry", """{"metrics":{"vehicle_count":1}}""");
        await harness.Pipeline.FlushAsync(CancellationToken.None);

        var deadLetter = JsonDocument.Parse(Assert.Single(harness.DeadLetterLines())).RootElement;
        Assert.Equal("device_id_invalid", deadLetter.GetProperty("reason").GetString());
        Assert.Equal("ioc/v1/traffic/bad,id/telemetry", deadLetter.GetProperty("topic").GetString());
        Assert.Equal("""{"metrics":{"vehicle_count":1}}""", deadLetter.GetProperty("payload").GetString());
        Assert.Single(harness.Acknowledged);
        Assert.Equal(0, harness.Journal.End);
        Assert.True(harness.DeadLetters.Outbox.TryRead(out var queued));
        Assert.Equal(RejectReason.DeviceIdInvalid, queued.Reason);
    }

    [Fact]
    public async Task AcceptAsync_AfterReconnect_DoesNotAcknowledgeDeliveriesOfTheOldConnection()
    {
        using var harness = new PipelineHarness();
        await harness.AcceptAsync(Traffic, """{"metrics":{"vehicle_count":1}}""");
        harness.Reconnect();
        await harness.AcceptAsync(Traffic, """{"metrics":{"vehicle_count":2}}""");
        await harness.Pipeline.FlushAsync(CancellationToken.None);

        Assert.Contains("\"vehicle_count\":2", Assert.Single(harness.Acknowledged));
        Assert.Equal(2, harness.Journal.PendingLines);
    }

    [Fact]
    public async Task AcceptAsync_Status_IsStoredAsDeviceStatusWithArea()
    {
        using var harness = new PipelineHarness(new DeviceDirectory([new DeviceRecord("aq-1", TelemetryDomain.Environment, "29905")]));
        await harness.AcceptAsync("ioc/v1/environment/aq-1/status", "offline");
        await harness.AcceptAsync("ioc/v1/environment/aq-1/status", "");
        await harness.AcceptAsync("ioc/v1/environment/aq-1/status", "broken");
        await harness.Pipeline.FlushAsync(CancellationToken.None);

        Assert.Equal("device_status,area=29905,device=aq-1,domain=environment online=0i 1795341600000\n", harness.JournalText());
        Assert.Contains("status_invalid", Assert.Single(harness.DeadLetterLines()));
        Assert.Equal(3, harness.Acknowledged.Count);
    }

    [Fact]
    public async Task AcceptAsync_OwnServiceTopics_AreAcknowledgedAndIgnored()
    {
        using var harness = new PipelineHarness();
        await harness.AcceptAsync("ioc/v1/deadletter/json_invalid", "{}");
        await harness.Pipeline.FlushAsync(CancellationToken.None);

        Assert.Single(harness.Acknowledged);
        Assert.Empty(harness.DeadLetterLines());
        Assert.Equal(0, harness.Journal.End);
    }

    [Fact]
    public async Task AcceptAsync_BatchPayload_WritesOnePointPerReading()
    {
        using var harness = new PipelineHarness();
        await harness.AcceptAsync("ioc/v1/connectivity/ap-7/telemetry", """[{"ts":1795341000000,"metrics":{"latency_ms":12}},{"ts":1795341001000,"metrics":{"latency_ms":13,"clients":4}}]""");
        await harness.Pipeline.FlushAsync(CancellationToken.None);

        Assert.Equal(
            "connectivity,device=ap-7 latency_ms=12 1795341000000\nconnectivity,device=ap-7 latency_ms=13,clients=4i 1795341001000\n",
            harness.JournalText());
    }
}
