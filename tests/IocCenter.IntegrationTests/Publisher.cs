using IocCenter.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.IntegrationTests;

/// <summary>A plain QoS1 publisher for hand-made (often malformed) messages.</summary>
internal sealed class Publisher : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    public static async Task<Publisher> ConnectAsync(Uri broker)
    {
        var publisher = new Publisher();
        await publisher._client.ConnectAsync(MqttConnection.Options(broker, "test-publisher-" + Guid.NewGuid().ToString("N")[..8], null, null).Build());
        return publisher;
    }

    public Task PublishAsync(string topic, string payload) => PublishAsync(topic, System.Text.Encoding.UTF8.GetBytes(payload));

    public async Task PublishAsync(string topic, byte[] payload)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        Assert.True(result.IsSuccess, $"{topic}: {result.ReasonCode}");
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisconnectAsync();
        _client.Dispose();
    }
}
