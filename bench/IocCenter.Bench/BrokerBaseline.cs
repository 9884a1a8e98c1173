using System.Diagnostics;
using IocCenter.Mqtt;
using IocCenter.Simulators.Fleet;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.Bench;

/// <summary>
/// The broker alone, in the same run and on the same machine: the same readings published at QoS1 by the same
/// publishers, delivered at QoS1 to one plain subscriber (MQTTnet, as ingest's client, acknowledging on receipt,
/// storing nothing), under <c>baseline/</c> so ingest never sees them. Its rate is what the broker and one consumer
/// can do; ingest's stored rate is judged against it.
/// </summary>
internal static class BrokerBaseline
{
    private const string Prefix = "baseline/";

    public static async Task<double> RunAsync(Uri broker, IReadOnlyList<SimulatedDevice> plan, long readings, int connections, int window)
    {
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        long received = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            if (Interlocked.Increment(ref received) == readings)
            {
                all.TrySetResult();
            }

            return Task.CompletedTask;
        };
        var options = MqttConnection.Options(broker, "bench-baseline-" + Guid.NewGuid().ToString("N")[..6], null, null)
            .WithCleanStart(true)
            .WithReceiveMaximum(4096)
            .Build();
        await subscriber.ConnectAsync(options);
        await subscriber.SubscribeAsync(Prefix + "#", MqttQualityOfServiceLevel.AtLeastOnce);

        var publishers = Enumerable.Range(0, connections)
            .Select(c => new PipelinedPublisher(plan.Where((_, i) => i % connections == c).ToList(), broker.Host, broker.Port, $"bench-baseline-load-{c}", window, Prefix))
            .ToList();
        foreach (var publisher in publishers)
        {
            await publisher.ConnectAsync();
        }

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(publishers.Select((p, c) => p.PublishAsync((readings / connections) + (c < readings % connections ? 1 : 0), 0, CancellationToken.None)));
        await all.Task.WaitAsync(TimeSpan.FromMinutes(5));
        var seconds = clock.Elapsed.TotalSeconds;
        foreach (var publisher in publishers)
        {
            await publisher.DisposeAsync();
        }

        await subscriber.DisconnectAsync();
        return readings / seconds;
    }
}
