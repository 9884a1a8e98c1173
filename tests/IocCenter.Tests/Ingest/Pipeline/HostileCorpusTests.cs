using System.Text.Json;
using IocCenter.Tests.Corpus;

namespace IocCenter.Tests.Ingest.Pipeline;

/// <summary>
/// Every case of the hostile corpus (<c>tests/corpus/hostile/</c>) through the real pipeline: rejected with its
/// reason, counted, dead-lettered, acknowledged (so the broker does not redeliver it forever), nothing journaled.
/// Cases a broker refuses to deliver (wildcards in a publish topic) are only checked here.
/// </summary>
public sealed class HostileCorpusTests
{
    public static TheoryData<string> Cases() => [.. HostileCase.All.Select(c => c.Name)];

    [Fact]
    public void TheCorpusHasTheCasesTheIssueNames()
    {
        Assert.True(HostileCase.All.Count >= 25, $"{HostileCase.All.Count} cases");
        Assert.Contains(HostileCase.All, c => c.Payload.Length >= 10 << 20);
        Assert.Contains(HostileCase.All, c => c.Payload.Length > 100_000 && c.Payload[0] == (byte)'[');
        Assert.Contains(HostileCase.All, c => c.BrokerRefuses);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EachCase_IsDeadLetteredWithItsReason_AndNothingIsJournaled(string name)
    {
        var hostile = HostileCase.All.Single(c => c.Name == name);
        using var harness = new PipelineHarness();
        var rejected = new List<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "ioc.ingest.messages.rejected" && instrument.Meter.Scope == harness.MeterFactory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => rejected.Add(tags.ToArray().Single(t => t.Key == "reason").Value as string ?? "?"));
        listener.Start();

        await harness.AcceptAsync(hostile.Topic, hostile.Payload, hostile.Retained);
        await harness.Pipeline.FlushAsync(CancellationToken.None);

        var deadLetter = JsonDocument.Parse(Assert.Single(harness.DeadLetterLines())).RootElement;
        Assert.Equal(hostile.Reason, deadLetter.GetProperty("reason").GetString());
        var kept = hostile.Topic.Length > IocCenter.Telemetry.DeadLetter.TopicChars ? hostile.Topic[..IocCenter.Telemetry.DeadLetter.TopicChars] : hostile.Topic;
        Assert.Equal(kept, deadLetter.GetProperty("topic").GetString());
        Assert.Equal([hostile.Reason], rejected);
        Assert.Single(harness.Acknowledged);
        Assert.Equal(0, harness.Journal.End);
    }
}
