using System.Collections.Concurrent;
using System.Text.Json;
using IocCenter.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.IntegrationTests;

/// <summary>An operator's view of the dead-letter topic: counts the records published on <c>ioc/v1/deadletter/#</c> by reason.</summary>
internal sealed class DeadLetterListener : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    public ConcurrentDictionary<string, int> ByReason { get; } = new();

    public ConcurrentBag<JsonElement> Records { get; } = [];

    public int Count => ByReason.Values.Sum();

    /// <param name="keepRecords">False to count only (a burst of thousands, where the records would be noise in a memory measurement).</param>
    public static async Task<DeadLetterListener> StartAsync(Uri broker, bool keepRecords = true)
    {
        var listener = new DeadLetterListener();
        listener._client.ApplicationMessageReceivedAsync += e =>
        {
            var record = JsonDocument.Parse(e.ApplicationMessage.Payload).RootElement.Clone();
            var reason = record.GetProperty("reason").GetString()!;
            Assert.Equal("ioc/v1/deadletter/" + reason, e.ApplicationMessage.Topic);
            listener.ByReason.AddOrUpdate(reason, 1, (_, n) => n + 1);
            if (keepRecords)
            {
                listener.Records.Add(record);
            }

            return Task.CompletedTask;
        };
        await listener._client.ConnectAsync(MqttConnection.Options(broker, "deadletter-listener-" + Guid.NewGuid().ToString("N")[..8], null, null).Build());
        await listener._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("ioc/v1/deadletter/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisconnectAsync();
        _client.Dispose();
    }
}
