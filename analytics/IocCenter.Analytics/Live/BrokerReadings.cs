using IocCenter.Devices;
using IocCenter.Mqtt;
using IocCenter.Resilience;
using IocCenter.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.Analytics.Live;

/// <summary>
/// A process without ingest of its own (analytics alone, a scaled-out dashboard): subscribes to every device's
/// telemetry and status on the broker (its own session, not shared: the process sees the whole fleet) and hands
/// valid readings to every <see cref="IReadingSink"/> (the detectors, the screens' live state). Invalid messages
/// are ingest's business (it dead-letters them); here they are skipped. Reconnects with backoff.
/// </summary>
public sealed partial class BrokerReadings(IEnumerable<IReadingSink> sinks, DeviceDirectory devices, IConfiguration configuration, TimeProvider time, ILogger<BrokerReadings> logger) : BackgroundService
{
    /// <summary>The setting that names this process's MQTT client; unset, <c>iocc-{role}-{host}-{random}</c>.</summary>
    public const string ClientIdSetting = "Mqtt:ReadingsClientId";

    private readonly IReadingSink[] _sinks = sinks.ToArray();
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly TelemetryPayloadParser _parser = new(new ContractLimits());
    private readonly TelemetryBatch _batch = new();
    private readonly NamePool _deviceIds = new();

    private volatile bool _subscribed;

    /// <summary>Connected and subscribed: readings are arriving.</summary>
    public bool IsConnected => _subscribed && _client.IsConnected;

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var url = new Uri(configuration["Mqtt:Url"] ?? "mqtt://127.0.0.1:1883");
        var clientId = configuration[ClientIdSetting] ?? configuration["Analytics:ClientId"] ?? $"iocc-readings-{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}";
        var options = MqttConnection.Options(url, clientId, configuration["Mqtt:Username"], configuration["Mqtt:Password"])
            .WithCleanStart(true)
            .Build();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Accept(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload);
            return Task.CompletedTask;
        };

        for (var attempt = 0; !stoppingToken.IsCancellationRequested;)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    _subscribed = false;
                    await _client.ConnectAsync(options, stoppingToken);
                    await _client.SubscribeAsync(
                        new MqttClientSubscribeOptionsBuilder()
                            .WithTopicFilter("ioc/v1/+/+/telemetry", MqttQualityOfServiceLevel.AtLeastOnce)
                            .WithTopicFilter("ioc/v1/+/+/status", MqttQualityOfServiceLevel.AtLeastOnce)
                            .Build(),
                        stoppingToken);
                    _subscribed = true;
                    attempt = 0;
                    LogConnected(logger, url);
                }

                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (attempt++ == 0)
                {
                    LogConnectFailed(logger, url, e.GetBaseException().Message);
                }

                await Task.Delay(Backoff.Delay(attempt, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30)), time, stoppingToken).IgnoreCancellationAsync();
            }
        }
    }

    private void Accept(string topic, System.Buffers.ReadOnlySequence<byte> payload)
    {
        if (TelemetryTopic.TryParse(topic, _deviceIds, out var parsed) != RejectReason.None)
        {
            return;
        }

        var area = devices.AreaOf(parsed.DeviceId);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (parsed.Kind == TopicKind.Status)
        {
            if (DeviceStatus.TryParse(payload, out var online))
            {
                foreach (var sink in _sinks)
                {
                    sink.AcceptStatus(parsed.DeviceId, parsed.Domain, area, online, now);
                }
            }

            return;
        }

        if (_parser.Parse(payload, now, _batch, out _) != RejectReason.None)
        {
            return;
        }

        for (var i = 0; i < _batch.Count; i++)
        {
            foreach (var sink in _sinks)
            {
                sink.Accept(parsed.DeviceId, parsed.Domain, area, _batch.TimestampMs(i), _batch.Metrics(i));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Đã kết nối broker, theo dõi mọi thiết bị / Connected to {Url}, watching every device")]
    private static partial void LogConnected(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Error, Message = "Không kết nối được broker / Cannot connect to {Url} for the live readings: {Error} — retrying with backoff")]
    private static partial void LogConnectFailed(ILogger logger, Uri url, string error);
}
