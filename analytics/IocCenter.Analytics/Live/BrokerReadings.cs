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
/// Analytics running alone: subscribes to every device's telemetry and status on the broker (its own session,
/// not shared: one analytics instance sees the whole fleet) and hands valid readings to the detectors. Invalid
/// messages are ingest's business (it dead-letters them); here they are skipped. Reconnects with backoff.
/// </summary>
internal sealed partial class BrokerReadings(LiveReadings readings, DeviceDirectory devices, IConfiguration configuration, TimeProvider time, ILogger<BrokerReadings> logger) : BackgroundService
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly TelemetryPayloadParser _parser = new(new ContractLimits());
    private readonly TelemetryBatch _batch = new();
    private readonly NamePool _deviceIds = new();

    public bool IsConnected => _client.IsConnected;

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var url = new Uri(configuration["Mqtt:Url"] ?? "mqtt://127.0.0.1:1883");
        var options = MqttConnection.Options(url, configuration["Analytics:ClientId"] ?? "iocc-analytics-" + Environment.MachineName.ToLowerInvariant(), configuration["Mqtt:Username"], configuration["Mqtt:Password"])
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
                    await _client.ConnectAsync(options, stoppingToken);
                    await _client.SubscribeAsync(
                        new MqttClientSubscribeOptionsBuilder()
                            .WithTopicFilter("ioc/v1/+/+/telemetry", MqttQualityOfServiceLevel.AtLeastOnce)
                            .WithTopicFilter("ioc/v1/+/+/status", MqttQualityOfServiceLevel.AtLeastOnce)
                            .Build(),
                        stoppingToken);
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
                readings.AcceptStatus(parsed.DeviceId, parsed.Domain, area, online, now);
            }

            return;
        }

        if (_parser.Parse(payload, now, _batch, out _) != RejectReason.None)
        {
            return;
        }

        for (var i = 0; i < _batch.Count; i++)
        {
            readings.Accept(parsed.DeviceId, parsed.Domain, area, _batch.TimestampMs(i), _batch.Metrics(i));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Phân tích đã kết nối broker / Analytics connected to {Url}, watching every device")]
    private static partial void LogConnected(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Error, Message = "Phân tích không kết nối được broker / Analytics cannot connect to {Url}: {Error} — retrying with backoff")]
    private static partial void LogConnectFailed(ILogger logger, Uri url, string error);
}
