using System.Diagnostics;
using MQTTnet;
using IocCenter.Mqtt;
using IocCenter.Resilience;
using MQTTnet.Protocol;

namespace IocCenter.Simulators.Fleet;

/// <summary>
/// Runs the fleet: each device its own MQTT client (last will: retained <c>offline</c>), publishing readings
/// paced by interval, by a fleet-wide rate, or as fast as the broker takes them. A publish that fails is
/// retried after reconnecting, so with QoS1 every counted reading reached the broker.
/// </summary>
public sealed class FleetRunner(FleetOptions options, Geography.Province province, TimeProvider? time = null) : IAsyncDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly List<DeviceConnection> _connections = [];
    private long _issued;
    private long _sent;
    private long _errors;
    private int _connected;
    private long _startTimestamp;

    public IReadOnlyList<SimulatedDevice> Devices { get; } = FleetPlan.Create(options, province);

    /// <summary>The anomalies this run injects (its ground truth); empty for a clean run. Fixed when the run starts.</summary>
    public Scenarios.ScenarioPlan Plan { get; private set; } = Scenarios.ScenarioPlan.None;

    public FleetProgress Progress => new(Volatile.Read(ref _connected), Interlocked.Read(ref _sent), Interlocked.Read(ref _errors), _startTimestamp == 0 ? TimeSpan.Zero : _time.GetElapsedTime(_startTimestamp));

    /// <summary>Connects every device and announces it online (retained).</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(options.ConnectConcurrency);
        var connections = Devices.Select(d => new DeviceConnection(d, options)).ToList();
        await Task.WhenAll(connections.Select(async c =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                await c.ConnectAsync(cancellationToken);
                Interlocked.Increment(ref _connected);
            }
            finally
            {
                gate.Release();
            }
        }));
        _connections.AddRange(connections);
    }

    /// <summary>Publishes until <see cref="FleetOptions.Count"/>, <see cref="FleetOptions.Duration"/> or cancellation.</summary>
    public async Task<FleetProgress> RunAsync(CancellationToken cancellationToken)
    {
        if (_connections.Count == 0)
        {
            await ConnectAsync(cancellationToken);
        }

        using var duration = options.Duration > TimeSpan.Zero ? new CancellationTokenSource(options.Duration, _time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, duration.Token);
        _startTimestamp = _time.GetTimestamp();
        var startMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (options.Scenarios > 0)
        {
            var window = options.ScenarioWindow ?? (options.Duration > TimeSpan.Zero ? options.Duration : TimeSpan.FromHours(24));
            var from = options.Start ?? DateTimeOffset.FromUnixTimeMilliseconds(startMs);
            Plan = Scenarios.ScenarioPlan.Create(Devices, from, window, options.Interval, options.Scenarios, options.Seed);
        }

        var workers = _connections.Select((c, index) => RunDeviceAsync(c, index, startMs, linked.Token)).ToArray();
        try
        {
            await Task.WhenAll(workers);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // Duration reached or stopped.
        }

        return Progress;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_connections.Select(c => c.DisposeAsync().AsTask()));
        _connections.Clear();
    }

    private async Task RunDeviceAsync(DeviceConnection connection, int index, long startMs, CancellationToken cancellationToken)
    {
        var device = connection.Device;
        using var window = new SemaphoreSlim(options.MaxInFlightPerDevice);
        var inFlight = new List<Task>();
        long round = 0;

        // Spread interval-paced devices over the interval instead of all reporting in the same millisecond.
        var phase = options.Pacing == Pacing.Interval ? (long)(options.Interval.TotalMilliseconds * index / Math.Max(1, _connections.Count)) : 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                long sequence = 0;
                if (options.Count > 0 || options.Pacing == Pacing.Rate)
                {
                    sequence = Interlocked.Increment(ref _issued);
                    if (options.Count > 0 && sequence > options.Count)
                    {
                        return;
                    }
                }

                var due = options.Pacing switch
                {
                    Pacing.Interval => startMs + phase + (long)(round * options.Interval.TotalMilliseconds),
                    Pacing.Rate => startMs + (long)((sequence - 1) * 1000 / options.Rate),
                    _ => 0,
                };
                var wait = due - _time.GetUtcNow().ToUnixTimeMilliseconds();
                if (wait > 1)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait), _time, cancellationToken);
                }

                var timestamp = options.Start is { } start
                    ? start.ToUnixTimeMilliseconds() + (long)(round * options.Interval.TotalMilliseconds)
                    : _time.GetUtcNow().ToUnixTimeMilliseconds();
                if (device.NextPayload(timestamp, Plan) is not { } payload)
                {
                    round++;
                    continue; // the plan keeps this device silent now
                }

                await window.WaitAsync(cancellationToken);
                inFlight.RemoveAll(t => t.IsCompleted);
                inFlight.Add(PublishOneAsync(connection, payload, window, cancellationToken));
                round++;
            }
        }
        finally
        {
            await Task.WhenAll(inFlight);
        }
    }

    private async Task PublishOneAsync(DeviceConnection connection, byte[] payload, SemaphoreSlim window, CancellationToken cancellationToken)
    {
        try
        {
            await PublishUntilAcceptedAsync(connection, payload, cancellationToken);
            connection.Device.CountSent();
            Interlocked.Increment(ref _sent);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped while waiting for the broker: not counted as sent.
        }
        finally
        {
            window.Release();
        }
    }

    private async Task PublishUntilAcceptedAsync(DeviceConnection connection, byte[] payload, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await connection.PublishAsync(payload, cancellationToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _errors);
                await Task.Delay(Backoff.Delay(attempt, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5)), _time, cancellationToken);
            }
        }
    }

    /// <summary>One device's MQTT client.</summary>
    private sealed class DeviceConnection(SimulatedDevice device, FleetOptions options) : IAsyncDisposable
    {
        private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
        private readonly SemaphoreSlim _reconnect = new(1, 1);

        public SimulatedDevice Device { get; } = device;

        public async Task ConnectAsync(CancellationToken cancellationToken)
        {
            var (username, password) = options.Credentials?.TryGetValue(Device.Record.Id, out var secret) == true
                ? (Device.Record.Id, secret)
                : (options.Username, options.Password);
            var clientOptions = MqttConnection.Options(options.BrokerUrl, Device.Record.Id, username, password)
                .WithCleanStart(true)
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
                .WithWillTopic(Device.StatusTopic)
                .WithWillPayload("offline")
                .WithWillRetain(true)
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);

            await _client.ConnectAsync(clientOptions.Build(), cancellationToken);
            await PublishStatusAsync("online", cancellationToken);
        }

        public async Task PublishAsync(byte[] payload, CancellationToken cancellationToken)
        {
            if (!_client.IsConnected)
            {
                await ReconnectAsync(cancellationToken);
            }

            var message = new MqttApplicationMessageBuilder()
                .WithTopic(Device.TelemetryTopic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(options.Qos)
                .Build();
            var result = await _client.PublishAsync(message, cancellationToken);
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"broker refused {Device.TelemetryTopic}: {result.ReasonCode} {result.ReasonString}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (_client.IsConnected)
                {
                    // A clean disconnect does not fire the will, so say goodbye explicitly.
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await PublishStatusAsync("offline", timeout.Token);
                    await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Debug.WriteLine($"{Device.Record.Id}: disconnect failed: {e.Message}");
            }

            _client.Dispose();
            _reconnect.Dispose();
        }

        private async Task ReconnectAsync(CancellationToken cancellationToken)
        {
            await _reconnect.WaitAsync(cancellationToken);
            try
            {
                if (!_client.IsConnected)
                {
                    await ConnectAsync(cancellationToken);
                }
            }
            finally
            {
                _reconnect.Release();
            }
        }

        private async Task PublishStatusAsync(string status, CancellationToken cancellationToken) =>
            await _client.PublishAsync(
                new MqttApplicationMessageBuilder()
                    .WithTopic(Device.StatusTopic)
                    .WithPayload(status)
                    .WithRetainFlag(true)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build(),
                cancellationToken);
    }
}
