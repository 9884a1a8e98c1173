using IocCenter.Analytics.Incidents;
using IocCenter.Mqtt;
using IocCenter.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.Analytics.Live;

/// <summary>
/// Publishes every incident change on <c>ioc/v1/incidents/{id}</c> (QoS1). Unresolved incidents are retained, so
/// a screen that connects late sees them at once; a resolved one is announced, then its retained message is
/// cleared, so the broker does not keep every incident ever. Uses the <c>Mqtt</c> settings (URL, credentials).
/// </summary>
internal sealed partial class IncidentPublisher(IncidentService incidents, IConfiguration configuration, ILogger<IncidentPublisher> logger) : BackgroundService
{
    public const string TopicPrefix = IncidentApi.ChangesTopicPrefix;

    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var url = new Uri(configuration["Mqtt:Url"] ?? "mqtt://127.0.0.1:1883");
        var clientId = "iocc-analytics-" + Guid.NewGuid().ToString("N")[..8];
        var options = MqttConnection.Options(url, clientId, configuration["Mqtt:Username"], configuration["Mqtt:Password"]).Build();
        var changes = incidents.Subscribe();
        try
        {
            await foreach (var change in changes.ReadAllAsync(stoppingToken))
            {
                await PublishAsync(options, change, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; the incident store has every change.
        }
    }

    private async Task PublishAsync(MqttClientOptions options, IncidentChange change, CancellationToken cancellationToken)
    {
        var topic = TopicPrefix + change.Incident.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var resolved = change.Incident.State == IncidentState.Resolved;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    await _client.ConnectAsync(options, cancellationToken);
                }

                await _client.PublishAsync(Message(topic, IncidentJson.Serialize(change), retain: !resolved), cancellationToken);
                if (resolved)
                {
                    await _client.PublishAsync(Message(topic, [], retain: true), cancellationToken);
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (attempt == 0)
                {
                    LogPublishFailed(logger, topic, e.Message);
                }

                await Task.Delay(Backoff.Delay(attempt, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30)), cancellationToken);
            }
        }
    }

    private static MqttApplicationMessage Message(string topic, byte[] payload, bool retain) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json")
            .Build();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Không gửi được sự cố lên broker / Cannot publish {Topic}: {Error} — retrying (the incident is safe in the store)")]
    private static partial void LogPublishFailed(ILogger logger, string topic, string error);
}
