using System.Diagnostics.Metrics;

namespace IocCenter.Tests.Ingest.Pipeline;

/// <summary>
/// Issue 14: a retained invalid status was dead-lettered again on every ingest reconnect (691 copies). The broker sends
/// retained messages again on each new subscription, with the retain flag set: the first is dead-lettered, the repeats
/// are counted only, also after a restart of ingest; a valid status on the topic replaces it.
/// </summary>
public sealed class RetainedRejectTests
{
    private const string Status = "ioc/v1/traffic/made-up-17/status";

    [Fact]
    public async Task RetainedInvalidStatus_SentAgainOnEveryReconnect_IsDeadLetteredOnce_AndTheRepeatsAreCounted()
    {
        using var harness = new PipelineHarness();
        using var listener = RepeatCounter(harness.MeterFactory, out var repeats);
        for (var reconnect = 0; reconnect < 5; reconnect++)
        {
            harness.Reconnect();
            await harness.AcceptAsync(Status, "garbage", retained: true);
            await harness.Pipeline.FlushAsync(CancellationToken.None);
        }

        Assert.Contains("status_invalid", Assert.Single(harness.DeadLetterLines()));
        Assert.Equal(4, repeats());
        Assert.Equal(5, harness.Acknowledged.Count); // every copy is acknowledged all the same
    }

    [Fact]
    public async Task RetainedInvalidStatus_AfterAnIngestRestart_IsNotDeadLetteredAgain()
    {
        TestDirectory data;
        using (var first = new PipelineHarness())
        {
            await first.AcceptAsync(Status, "garbage", retained: true);
            await first.Pipeline.FlushAsync(CancellationToken.None);
            data = first.Keep();
        }

        using var restarted = new PipelineHarness(directory: data);
        await restarted.AcceptAsync(Status, "garbage", retained: true);
        await restarted.Pipeline.FlushAsync(CancellationToken.None);

        Assert.Single(restarted.DeadLetterLines()); // the one from before the restart
        Assert.Single(restarted.Acknowledged);
    }

    [Fact]
    public async Task ARejectedMessage_IsDeadLetteredEveryTime_WhenItIsNotARetainedCopy_OrItsPayloadChanged_OrAValidStatusReplacedIt()
    {
        using var harness = new PipelineHarness();
        await harness.AcceptAsync(Status, "garbage", retained: true);
        await harness.AcceptAsync(Status, "garbage"); // published live: always dead-lettered
        await harness.AcceptAsync(Status, "other garbage", retained: true);
        await harness.AcceptAsync(Status, "online");
        await harness.AcceptAsync(Status, "other garbage", retained: true); // retained anew after the valid status
        await harness.Pipeline.FlushAsync(CancellationToken.None);

        Assert.Equal(4, harness.DeadLetterLines().Length);
    }

    public static TheoryData<string> RetainedCases() => [.. IocCenter.Tests.Corpus.HostileCase.All.Where(c => c.Retained).Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(RetainedCases))]
    public async Task EachRetainedCorpusCase_SentOnThreeSubscriptions_IsDeadLetteredOnce(string name)
    {
        var hostile = IocCenter.Tests.Corpus.HostileCase.All.Single(c => c.Name == name);
        using var harness = new PipelineHarness();
        for (var i = 0; i < 3; i++)
        {
            harness.Reconnect();
            await harness.AcceptAsync(hostile.Topic, hostile.Payload, retained: true);
            await harness.Pipeline.FlushAsync(CancellationToken.None);
        }

        Assert.Contains(hostile.Reason, Assert.Single(harness.DeadLetterLines()));
        Assert.Equal(3, harness.Acknowledged.Count);
    }

    private static MeterListener RepeatCounter(object scope, out Func<long> count)
    {
        long total = 0;
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "ioc.ingest.messages.retained_repeats" && instrument.Meter.Scope == scope)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref total, value));
        listener.Start();
        count = () => Interlocked.Read(ref total);
        return listener;
    }
}
