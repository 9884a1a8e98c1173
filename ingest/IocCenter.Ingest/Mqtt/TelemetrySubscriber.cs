using IocCenter.Ingest.DeadLetters;
using IocCenter.Ingest.Journal;
using IocCenter.Resilience;
using IocCenter.Ingest.Pipeline;
using IocCenter.Mqtt;
using IocCenter.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.Ingest.Mqtt;

/// <summary>
/// The broker connection: MQTT 5, persistent session, QoS1 subscription to <c>ioc/v1/#</c> (optionally shared),
/// manual acknowledgements once a message is durable. Reconnects with backoff and jitter, forever; publishes
/// the dead-letter outbox while connected.
/// </summary>
internal sealed partial class TelemetrySubscriber(
    IngestPipeline pipeline,
    DeadLetterSink deadLetters,
    IngestMetrics metrics,
    IOptions<MqttOptions> options,
    TimeProvider time,
    ILogger<TelemetrySubscriber> logger) : BackgroundService
{
    private const string TopicFilter = "ioc/v1/#";

    private readonly MqttOptions _options = options.Value;
    private readonly ConnectionEpoch _epoch = new();
    private readonly AsyncSignal _disconnected = new();
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private volatile bool _stopping;
    private volatile bool _subscribed;

    /// <summary>Connected and subscribed: from now on the broker keeps every message for this session.</summary>
    public bool IsConnected => _subscribed && _client.IsConnected;

    public string SubscriptionFilter => string.IsNullOrEmpty(_options.SharedGroup) ? TopicFilter : $"$share/{_options.SharedGroup}/{TopicFilter}";

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop taking deliveries (what is not acknowledged stays with the broker), make the taken ones durable
        // and acknowledged, then leave the session to the broker with a clean DISCONNECT.
        _stopping = true;
        await pipeline.FlushAsync(cancellationToken);
        await base.StopAsync(cancellationToken);
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogDisconnectFailed(logger, e.Message);
            }
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += _ =>
        {
            _subscribed = false;
            _disconnected.Set();
            return Task.CompletedTask;
        };

        var clientOptions = MqttConnection.Options(_options.Url, _options.ClientId, _options.Username, _options.Password)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds)
            .WithReceiveMaximum((ushort)_options.ReceiveMaximum)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .Build();

        var publishing = PublishDeadLettersAsync(stoppingToken);
        var attempt = 0;
        string? lastError = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                try
                {
                    await ConnectAsync(clientOptions, stoppingToken);
                    attempt = 0;
                    lastError = null;
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    var error = e.GetBaseException().Message;
                    if (error != lastError)
                    {
                        // One line per distinct problem, not one per retry.
                        LogConnectFailed(logger, _options.Url, error);
                        lastError = error;
                    }

                    await DelayAsync(Backoff.Delay(attempt++, TimeSpan.FromMilliseconds(250), _options.ReconnectDelayMax), stoppingToken);
                    continue;
                }
            }

            await _disconnected.WaitAsync(stoppingToken).IgnoreCancellationAsync();
            if (!stoppingToken.IsCancellationRequested && !_stopping)
            {
                LogDisconnected(logger, _options.Url);
            }
        }

        await publishing.IgnoreCancellationAsync();
        LogStopped(logger);
    }

    private async Task ConnectAsync(MqttClientOptions clientOptions, CancellationToken cancellationToken)
    {
        var generation = _epoch.Next();
        var result = await _client.ConnectAsync(clientOptions, cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}");
        }

        // Re-subscribing an existing session is harmless; retained statuses are only sent for a new subscription.
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f
                .WithTopic(SubscriptionFilter)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainHandling(MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly)
                .WithRetainAsPublished(true)) // a retained publish comes flagged even live: its later copies are known repeats
            .Build();
        var subscribed = await _client.SubscribeAsync(subscribe, cancellationToken);
        var code = subscribed.Items.First().ResultCode;
        if (code > MqttClientSubscribeResultCode.GrantedQoS2)
        {
            throw new InvalidOperationException($"broker refused the subscription to {SubscriptionFilter}: {code}");
        }

        _subscribed = true;
        metrics.BrokerConnected(result.IsSessionPresent);
        LogConnected(logger, _options.Url, _options.ClientId, SubscriptionFilter, result.IsSessionPresent, generation);
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        e.AutoAcknowledge = false;
        if (_stopping)
        {
            // Not acknowledged: the broker keeps it for the next session.
            return Task.CompletedTask;
        }

        var ack = new DeliveryAck(e, _epoch, _epoch.Current);
        var accepted = pipeline.AcceptAsync(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload, ack, CancellationToken.None, e.ApplicationMessage.Retain);
        return accepted.IsCompletedSuccessfully ? Task.CompletedTask : accepted.AsTask();
    }

    private async Task PublishDeadLettersAsync(CancellationToken stoppingToken)
    {
        var reader = deadLetters.Outbox;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (reader.TryPeek(out var deadLetter))
                {
                    if (!_client.IsConnected)
                    {
                        await DelayAsync(TimeSpan.FromSeconds(1), stoppingToken);
                        continue;
                    }

                    try
                    {
                        var message = new MqttApplicationMessageBuilder()
                            .WithTopic(TelemetryTopic.DeadLetter(deadLetter.Reason))
                            .WithPayload(deadLetter.ToJsonBytes())
                            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                            .WithContentType("application/json")
                            .Build();
                        await _client.PublishAsync(message, stoppingToken);
                        reader.TryRead(out _);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogDeadLetterPublishFailed(logger, e.Message);
                        await DelayAsync(TimeSpan.FromSeconds(1), stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Unpublished dead letters stay in the on-disk log.
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        await Task.Delay(delay, time, cancellationToken);


    [LoggerMessage(Level = LogLevel.Information, Message = "Đã kết nối broker / Connected to broker {Url} as {ClientId}, subscribed to {Filter} (session present: {SessionPresent}, connection #{Generation})")]
    private static partial void LogConnected(ILogger logger, Uri url, string clientId, string filter, bool sessionPresent, int generation);

    [LoggerMessage(Level = LogLevel.Error, Message = "Không kết nối được broker / Cannot connect to broker {Url}: {Error} — retrying with backoff")]
    private static partial void LogConnectFailed(ILogger logger, Uri url, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mất kết nối broker / Lost the broker connection {Url}; reconnecting (unacknowledged messages will be redelivered)")]
    private static partial void LogDisconnected(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing a dead letter failed, retrying: {Error}")]
    private static partial void LogDeadLetterPublishFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Disconnect failed: {Error}")]
    private static partial void LogDisconnectFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT subscriber stopped")]
    private static partial void LogStopped(ILogger logger);
}
