using System.Net;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace IocCenter.Dashboard;

/// <summary>
/// The single-machine broker: MQTTnet's server on <see cref="AllInOneOptions.BrokerPort"/>, with persistent sessions
/// (ingest's QoS1 session survives its reconnects) and retained messages (device status, open incidents).
/// Started before ingest and the simulators, stopped after them.
/// </summary>
internal sealed partial class EmbeddedBroker(IOptions<AllInOneOptions> options, ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    private MqttServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var factory = new MqttServerFactory();
        var serverOptions = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(o.BrokerAddress))
            .WithDefaultEndpointPort(o.BrokerPort)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(o.BrokerMaxPendingPerClient)
            .Build();
        _server = factory.CreateMqttServer(serverOptions);
        await _server.StartAsync();
        LogStarted(logger, o.BrokerAddress, o.BrokerPort);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync();
        }
    }

    public void Dispose() => _server?.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Máy chủ MQTT nhúng đang nghe / Embedded MQTT broker listening on {Address}:{Port}")]
    private static partial void LogStarted(ILogger logger, string address, int port);
}
