using IocCenter.Dashboard.Broker;
using System.Collections.Concurrent;
using System.Net.Sockets;
using IocCenter.Devices;
using IocCenter.TestShared;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.DashboardTests;

/// <summary>
/// The all-in-one host as the README starts it — no device registry, devices connect without credentials — with its
/// embedded broker probed by Debian's <c>mosquitto_pub</c> / <c>mosquitto_sub</c>: it takes what ordinary clients send
/// (no client id, MQTT 3.1.1 or 5), and nothing an anonymous client must not do. Issue 14, item 2.
/// </summary>
public sealed class EmbeddedBrokerDemoTests(EmbeddedBrokerDemoTests.DemoHost host) : IClassFixture<EmbeddedBrokerDemoTests.DemoHost>
{
    private static string Reading(long ts, int count) => $$$"""{"ts":{{{ts}}},"metrics":{"vehicle_count":{{{count}}}}}""";

    private string Broker => host.Server.BrokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task MosquittoPub_WithItsDefaults_NoClientId_Mqtt311And5_IsAccepted_AndTheReadingsAreStored()
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var v3 = await BrokerProbe.MosquittoAsync("mosquitto_pub", "-h", "127.0.0.1", "-p", Broker, "-q", "1",
            "-t", "ioc/v1/traffic/defaults-v3/telemetry", "-m", Reading(ts, 3));
        Assert.True(v3.ExitCode == 0, v3.Output);
        Assert.Contains("received PUBACK", v3.Output, StringComparison.Ordinal);

        var v5 = await BrokerProbe.MosquittoAsync("mosquitto_pub", "-V", "5", "-h", "127.0.0.1", "-p", Broker, "-q", "1",
            "-t", "ioc/v1/traffic/defaults-v5/telemetry", "-m", Reading(ts, 5));
        Assert.True(v5.ExitCode == 0, v5.Output);
        Assert.Contains("Client auto-", v5.Output, StringComparison.Ordinal); // the id the broker assigned, from its CONNACK
        Assert.Contains("received PUBACK (Mid: 1, RC:0)", v5.Output, StringComparison.Ordinal);

        await IntegrationTests.Eventually.WaitAsync(() => Task.FromResult(BrokerProbe.StoredRows(host.Server, "defaults-v")), n => n == 2, TimeSpan.FromSeconds(15), "both readings stored");
    }

    [Fact]
    public async Task Mqtt5Connack_AnnouncesThePacketLimit()
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", host.Server.BrokerPort)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithClientId(string.Empty).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.Equal(256u * 1024, result.MaximumPacketSize); // AllInOne:BrokerMaxPacketSize's default
        await client.DisconnectAsync();
    }

    [Fact]
    public async Task AnAnonymousClient_AskingForAPersistentSession_GetsACleanOne_SoNoSessionIsLeftBehind()
    {
        // Raw MQTT 3.1.1 CONNECT with client id "keep-me" and the clean-session flag off, twice. A kept session would
        // answer the second with "session present" (CONNACK byte 3 = 1); MQTTnet never expires such sessions.
        byte[] connect = [0x10, 19, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0x00, 0, 60, 0, 7, (byte)'k', (byte)'e', (byte)'e', (byte)'p', (byte)'-', (byte)'m', (byte)'e'];
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync("127.0.0.1", host.Server.BrokerPort);
            var stream = socket.GetStream();
            await stream.WriteAsync(connect);
            var connack = new byte[4];
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await stream.ReadExactlyAsync(connack, deadline.Token);
            Assert.Equal(new byte[] { 0x20, 2, 0, 0 }, connack); // accepted, and never "session present"
            await stream.WriteAsync(new byte[] { 0xE0, 0 }); // DISCONNECT
        }
    }

    [Theory]
    [InlineData(0x02, true)] // clean session: accepted, the broker assigns an id
    [InlineData(0x00, false)] // a persistent session for no id: refused, as 3.1.1 requires [MQTT-3.1.3-8]
    public async Task AnEmptyClientId_Mqtt311_IsAcceptedOnlyWithACleanSession(byte connectFlags, bool accepted)
    {
        // Raw bytes: MQTTnet's client will not send the second one. CONNECT, "MQTT" level 4, keep-alive 60 s, client id "".
        using var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", host.Server.BrokerPort);
        var stream = socket.GetStream();
        await stream.WriteAsync(new byte[] { 0x10, 12, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, connectFlags, 0, 60, 0, 0 });
        var connack = new byte[4];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await stream.ReadAtLeastAsync(connack, connack.Length, throwOnEndOfStream: false, deadline.Token);
        if (accepted)
        {
            Assert.Equal(new byte[] { 0x20, 2, 0, 0 }, connack);
        }
        else
        {
            // MQTTnet closes the connection without the CONNACK 2 ("identifier rejected") the standard asks for first;
            // either way the client is not let in.
            Assert.True(read == 0 || connack.SequenceEqual(new byte[] { 0x20, 2, 0, 2 }), Convert.ToHexString(connack));
        }
    }

    [Fact]
    public async Task AnAnonymousClient_CannotSubscribe_NorPublishIncidentsDeadLettersOrCommands_NorRetainAReading()
    {
        var seen = new ConcurrentQueue<string>();
        using var observer = await host.ObserverAsync(seen);

        // Subscribing to everything: refused (SUBACK 128 over 3.1.1, 135 "not authorized" over 5).
        var v3 = await BrokerProbe.MosquittoAsync("mosquitto_sub", "-h", "127.0.0.1", "-p", Broker, "-t", "#", "-W", "5");
        Assert.Contains("Subscribed (mid: 1): 128", v3.Output, StringComparison.Ordinal);
        var v5 = await BrokerProbe.MosquittoAsync("mosquitto_sub", "-V", "5", "-h", "127.0.0.1", "-p", Broker, "-t", "ioc/v1/#", "-W", "5");
        Assert.Contains("Subscribed (mid: 1): 135", v5.Output, StringComparison.Ordinal);

        // A fake incident (retained, as the scaled-out dashboards follow that topic), a dead letter, a command: refused.
        foreach (var topic in new[] { "ioc/v1/incidents/fake-1", "ioc/v1/deadletter/json_invalid", "ioc/v1/traffic/demo-cmd/command" })
        {
            var forged = await BrokerProbe.MosquittoAsync("mosquitto_pub", "-V", "5", "-h", "127.0.0.1", "-p", Broker, "-q", "1", "-r",
                "-t", topic, "-m", """{"id":"fake-1","severity":"critical","comment":"forged"}""");
            Assert.Contains("received PUBACK (Mid: 1, RC:135)", forged.Output, StringComparison.Ordinal);
        }

        // A reading published retained is delivered (stored) but not kept by the broker; a status is kept.
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var retainedReading = await BrokerProbe.MosquittoAsync("mosquitto_pub", "-h", "127.0.0.1", "-p", Broker, "-q", "1", "-r",
            "-t", "ioc/v1/traffic/demo-retain/telemetry", "-m", Reading(ts, 9));
        Assert.Contains("received PUBACK", retainedReading.Output, StringComparison.Ordinal);
        await BrokerProbe.MosquittoAsync("mosquitto_pub", "-h", "127.0.0.1", "-p", Broker, "-q", "1", "-r", "-t", "ioc/v1/traffic/demo-retain/status", "-m", "online");

        // Published after the forged ones were answered: once the observer has it, it would have had them too.
        await host.PublishMarkerAsync("demo-marker-1");
        await IntegrationTests.Eventually.WaitAsync(() => Task.FromResult(seen.Any(m => m.Contains("demo-marker-1", StringComparison.Ordinal))), s => s, TimeSpan.FromSeconds(10), "the marker");
        Assert.DoesNotContain(seen, m => m.StartsWith("ioc/v1/incidents/fake", StringComparison.Ordinal) || m.Contains("forged", StringComparison.Ordinal));
        Assert.Contains(seen, m => m.StartsWith("ioc/v1/traffic/demo-retain/telemetry", StringComparison.Ordinal));
        await IntegrationTests.Eventually.WaitAsync(() => Task.FromResult(BrokerProbe.StoredRows(host.Server, "demo-retain", "traffic")), n => n == 1, TimeSpan.FromSeconds(15), "the retained reading stored");

        // What the broker kept: a newcomer gets the status, not the reading, and no incident.
        var retained = new ConcurrentQueue<string>();
        using var newcomer = await host.ObserverAsync(retained);
        await host.PublishMarkerAsync("demo-marker-2");
        await IntegrationTests.Eventually.WaitAsync(() => Task.FromResult(retained.Any(m => m.Contains("demo-marker-2", StringComparison.Ordinal))), s => s, TimeSpan.FromSeconds(10), "the second marker");
        Assert.Contains("ioc/v1/traffic/demo-retain/status online", retained);
        Assert.DoesNotContain(retained, m => m.StartsWith("ioc/v1/traffic/demo-retain/telemetry", StringComparison.Ordinal));
        Assert.DoesNotContain(retained, m => m.StartsWith("ioc/v1/incidents/fake", StringComparison.Ordinal));
        Assert.True(await BrokerProbe.CounterReachesAsync(host.Server, "ioc_broker_refused_total", "reason=\"publish_not_allowed\"", 3));
        Assert.True(await BrokerProbe.CounterReachesAsync(host.Server, "ioc_broker_retain_cleared_total", "", 1));
    }

    [Fact]
    public async Task TheServicesClientIds_CannotBeTakenOver_IngestKeepsItsOneConnection()
    {
        foreach (var (id, version, refusal) in new[] { (DemoHost.IngestClientId, "mqttv311", "CONNACK (2)"), (DemoHost.IngestClientId, "mqttv5", "CONNACK (133)"), ("iocc-analytics-1", "mqttv311", "CONNACK (2)") })
        {
            var takeover = await BrokerProbe.MosquittoAsync("mosquitto_pub", "-V", version, "-h", "127.0.0.1", "-p", Broker, "-i", id, "-q", "1",
                "-t", "ioc/v1/traffic/demo-takeover/telemetry", "-m", """{"metrics":{"vehicle_count":1}}""");
            Assert.NotEqual(0, takeover.ExitCode);
            Assert.Contains(refusal, takeover.Output, StringComparison.Ordinal);
        }

        // A service's name with a guessed secret is no anonymous device: refused, and told why.
        var guessed = await BrokerProbe.MosquittoAsync("mosquitto_pub", "-V", "mqttv5", "-h", "127.0.0.1", "-p", Broker, "-u", "iocc-observer", "-P", "guess", "-q", "1",
            "-t", "ioc/v1/traffic/demo-takeover/telemetry", "-m", """{"metrics":{"vehicle_count":1}}""");
        Assert.Contains("CONNACK (134)", guessed.Output, StringComparison.Ordinal); // bad user name or password

        Assert.Equal(1, await BrokerProbe.CounterAsync(host.Server, "ioc_ingest_broker_connects_total"));
        Assert.Equal(0, BrokerProbe.StoredRows(host.Server, "demo-takeover"));
    }

    [Fact]
    public async Task DevicesReconnectingWithTheirOwnId_BackToBack_AreNeverDroppedAfterTheirConnack_AndEveryReadingIsStored()
    {
        // What mosquitto_pub does, as fast as a socket can: CONNECT with a fixed id, one QoS 1 reading, then gone — with
        // a DISCONNECT, by just closing, or after a packet the broker ends the connection on (a PINGRESP) — and again with
        // the same id. MQTTnet 5.2's clean-up of the previous connection used to stop the next one right after its
        // CONNACK, 1 time in 150–700 depending on the ending (once in CI: "mosquitto_pub ... The connection was lost").
        const int Devices = 8, Rounds = 300;
        var failures = new ConcurrentQueue<string>();
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - Rounds * 1000;
        await Task.WhenAll(Enumerable.Range(0, Devices).Select(d => Task.Run(async () =>
        {
            var device = $"demo-again-{d}";
            for (var i = 0; i < Rounds; i++)
            {
                try
                {
                    using var socket = new TcpClient();
                    await socket.ConnectAsync("127.0.0.1", host.Server.BrokerPort);
                    var stream = socket.GetStream();
                    using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                    await stream.WriteAsync(RawMqtt.Connect(device), deadline.Token);
                    Assert.Equal(new byte[] { 0x20, 2, 0, 0 }, await RawMqtt.ReadAsync(stream, 4, deadline.Token));
                    await stream.WriteAsync(RawMqtt.Publish($"ioc/v1/traffic/{device}/telemetry", Reading(start + i * 1000, i), packetId: 1), deadline.Token);
                    Assert.Equal(new byte[] { 0x40, 2, 0, 1 }, await RawMqtt.ReadAsync(stream, 4, deadline.Token));
                    switch (i % 3)
                    {
                        case 0:
                            await stream.WriteAsync(RawMqtt.Disconnect, deadline.Token);
                            break;
                        case 1:
                            await stream.WriteAsync(new byte[] { 0xD0, 0 }, deadline.Token); // PINGRESP: only a server sends one
                            break;
                        default:
                            break; // closed without a word
                    }
                }
                catch (Exception e) when (e is IOException or SocketException or EndOfStreamException or OperationCanceledException or Xunit.Sdk.XunitException)
                {
                    failures.Enqueue($"{device} round {i}: {e.GetType().Name} {e.Message}");
                }
            }
        })));

        Assert.True(failures.IsEmpty, $"{failures.Count} of {Devices * Rounds}: {string.Join("; ", failures.Take(5))}");
        await IntegrationTests.Eventually.WaitAsync(() => Task.FromResult(BrokerProbe.StoredRows(host.Server, "demo-again-")), n => n == Devices * Rounds, TimeSpan.FromSeconds(30), "every reading stored");

        // None went ahead unguarded after waiting out the gate's 5 s (a holder that never let go would show here).
        using var http = new HttpClient { BaseAddress = host.Server.BaseUrl };
        Assert.Contains("ioc_broker_client_id_wait_timeouts_total{", await http.GetStringAsync(new Uri("metrics", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal(0, await BrokerProbe.CounterAsync(host.Server, "ioc_broker_client_id_wait_timeouts_total"));
    }

    [Fact]
    public async Task Mqtt5ClientsComingBackWithTheIdTheBrokerAssigned_AreNeverDroppedAfterTheirConnack()
    {
        // MQTT 5: no id → the broker assigns one and says which in its CONNACK; the client keeps it and comes back with
        // it (a second socket opened before the first is gone). Not held by the gate at first: 27 drops in 9,600.
        const int Devices = 8, Rounds = 150;
        var failures = new ConcurrentQueue<string>();
        await Task.WhenAll(Enumerable.Range(0, Devices).Select(d => Task.Run(async () =>
        {
            for (var i = 0; i < Rounds; i++)
            {
                try
                {
                    using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                    using var first = new TcpClient();
                    await first.ConnectAsync("127.0.0.1", host.Server.BrokerPort);
                    var stream = first.GetStream();
                    await stream.WriteAsync(RawMqtt.Connect(string.Empty, 5), deadline.Token);
                    var id = RawMqtt.AssignedClientId(await RawMqtt.ReadPacketAsync(stream, deadline.Token));
                    using var next = new TcpClient();
                    await next.ConnectAsync("127.0.0.1", host.Server.BrokerPort);
                    await stream.WriteAsync(i % 2 == 0 ? RawMqtt.Disconnect : [0xD0, 0], deadline.Token); // DISCONNECT, or a PINGRESP
                    var again = next.GetStream();
                    await again.WriteAsync(RawMqtt.Connect(id, 5), deadline.Token);
                    Assert.Equal(0x20, (await RawMqtt.ReadPacketAsync(again, deadline.Token))[0]);
                    await again.WriteAsync(RawMqtt.Publish("ioc/v1/traffic/demo-v5again/telemetry", Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), i), packetId: 2, level: 5), deadline.Token);
                    Assert.Equal(0x40, (await RawMqtt.ReadPacketAsync(again, deadline.Token))[0]);
                    await again.WriteAsync(RawMqtt.Disconnect, deadline.Token);
                }
                catch (Exception e) when (e is IOException or SocketException or EndOfStreamException or OperationCanceledException or InvalidDataException or Xunit.Sdk.XunitException)
                {
                    failures.Enqueue($"round {i}: {e.GetType().Name} {e.Message}");
                }
            }
        })));

        Assert.True(failures.IsEmpty, $"{failures.Count} of {Devices * Rounds}: {string.Join("; ", failures.Take(5))}");
    }

    [Fact]
    public async Task AClientThatSendsPingsButNeverReadsTheAnswers_IsClosed_CountedAndTheBrokerDoesNotGrow_OneThatReadsIsNot()
    {
        var pings = new byte[120_000]; // 60,000 PINGREQs
        for (var i = 0; i < pings.Length; i += 2)
        {
            pings[i] = 0xC0;
        }

        // A client that reads: 60,000 PINGREQs in one burst (six times the answers the broker may owe), all answered.
        using (var reader = new TcpClient())
        {
            await reader.ConnectAsync("127.0.0.1", host.Server.BrokerPort);
            var stream = reader.GetStream();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await stream.WriteAsync(RawMqtt.Connect("demo-reads"), deadline.Token);
            Assert.Equal(new byte[] { 0x20, 2, 0, 0 }, await RawMqtt.ReadAsync(stream, 4, deadline.Token));
            var answers = RawMqtt.ReadAsync(stream, pings.Length, deadline.Token); // reading all along
            await stream.WriteAsync(pings, deadline.Token);
            var answered = await answers;
            Assert.True(answered.Where((b, i) => i % 2 == 0).All(b => b == 0xD0), "60,000 PINGRESPs");
        }

        // MQTTnet queues its answers without a bound: a review's client grew the broker by 1.4 GB in 20 s this way.
        var before = BrokerProbe.ResidentBytes(host.Server);
        using var socket = new TcpClient { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync("127.0.0.1", host.Server.BrokerPort);
        var deaf = socket.GetStream();
        using var patience = new CancellationTokenSource(ConnectHandshake.DrainTimeout + TimeSpan.FromSeconds(90));
        await deaf.WriteAsync(RawMqtt.Connect("demo-deaf"), patience.Token);
        Assert.Equal(new byte[] { 0x20, 2, 0, 0 }, await RawMqtt.ReadAsync(deaf, 4, patience.Token));

        long sent = 0;
        Exception? closed = null;
        while (closed is null && sent < 256L << 20)
        {
            try
            {
                await deaf.WriteAsync(pings, patience.Token); // blocks once the broker stops reading it
                sent += pings.Length;
            }
            catch (IOException e)
            {
                closed = e; // the broker closed it: what was still unread made the close a reset
            }
        }

        Assert.True(closed is not null, $"still open after {sent >> 20} MB of PINGREQs");
        Assert.True(await BrokerProbe.CounterReachesAsync(host.Server, "ioc_broker_refused_total", "reason=\"not_reading\"", 1));
        var after = BrokerProbe.ResidentBytes(host.Server);
        Assert.True(after - before < 40L * 1024 * 1024, $"RSS {before >> 20} MB → {after >> 20} MB after {sent >> 20} MB of PINGREQs");
    }

    [Theory]
    [InlineData(4)] // MQTT 3.1.1: the old connection is closed
    [InlineData(5)] // MQTT 5: the old connection is told "session taken over" (142) and closed
    public async Task ALiveConnection_IsTakenOverByANewOneWithItsId_WhichWorks(byte level)
    {
        var device = $"demo-newer-v{level}";
        using var old = new TcpClient();
        await old.ConnectAsync("127.0.0.1", host.Server.BrokerPort);
        var oldStream = old.GetStream();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await oldStream.WriteAsync(RawMqtt.Connect(device, level), deadline.Token);
        var oldConnack = await RawMqtt.ReadPacketAsync(oldStream, deadline.Token);
        Assert.Equal(0x20, oldConnack[0]);

        using var next = new TcpClient();
        await next.ConnectAsync("127.0.0.1", host.Server.BrokerPort);
        var stream = next.GetStream();
        await stream.WriteAsync(RawMqtt.Connect(device, level), deadline.Token);
        var connack = await RawMqtt.ReadPacketAsync(stream, deadline.Token);
        Assert.Equal(0x20, connack[0]);
        Assert.Equal(0, connack[3]); // accepted
        await stream.WriteAsync(RawMqtt.Publish($"ioc/v1/traffic/{device}/telemetry", Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 4), packetId: 7, level), deadline.Token);
        var puback = await RawMqtt.ReadPacketAsync(stream, deadline.Token);
        Assert.Equal(new byte[] { 0x40, 0, 7 }, puback[..1].Concat(puback[2..4]).ToArray());
        Assert.Equal(0, await BrokerProbe.CounterAsync(host.Server, "ioc_broker_client_id_wait_timeouts_total"));

        // The old connection: a DISCONNECT 142 over MQTT 5, then closed.
        var rest = new MemoryStream();
        var buffer = new byte[64];
        int read;
        while ((read = await oldStream.ReadAsync(buffer, deadline.Token)) > 0)
        {
            rest.Write(buffer, 0, read);
        }

        var told = rest.ToArray();
        if (level == 5)
        {
            Assert.True(told.Length >= 3 && told[0] == 0xE0 && told[2] == 142, Convert.ToHexString(told));
        }
        else
        {
            Assert.Empty(told);
        }

        // MQTTnet has cleaned up after the old one by now, or is about to: the new connection must still be there.
        await stream.WriteAsync(RawMqtt.Publish($"ioc/v1/traffic/{device}/telemetry", Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000, 5), packetId: 8, level), deadline.Token);
        var second = await RawMqtt.ReadPacketAsync(stream, deadline.Token);
        Assert.Equal(new byte[] { 0x40, 0, 8 }, second[..1].Concat(second[2..4]).ToArray());
        await IntegrationTests.Eventually.WaitAsync(() => Task.FromResult(BrokerProbe.StoredRows(host.Server, device)), n => n == 2, TimeSpan.FromSeconds(15), "the new connection's readings stored");
    }

    [Fact]
    public async Task APacketOverTheLimit_IsRefusedBeforeItIsRead_NothingRetained_MemoryStays()
    {
        var big = Path.Combine(Path.GetTempPath(), "iocc-50mb-" + Guid.NewGuid().ToString("N")[..6]);
        try
        {
            await using (var file = File.Create(big))
            {
                file.SetLength(50 * 1024 * 1024);
            }

            var before = BrokerProbe.ResidentBytes(host.Server);
            for (var i = 0; i < 3; i++)
            {
                var huge = await BrokerProbe.MosquittoAsync("mosquitto_pub", "-h", "127.0.0.1", "-p", Broker, "-q", "1", "-r",
                    "-t", "ioc/v1/traffic/demo-huge/status", "-f", big);
                Assert.DoesNotContain("received PUBACK", huge.Output, StringComparison.Ordinal);
            }

            // A header alone that claims 200 MB: the broker must not believe it with an allocation.
            using (var socket = new TcpClient())
            {
                await socket.ConnectAsync("127.0.0.1", host.Server.BrokerPort);
                var stream = socket.GetStream();
                await stream.WriteAsync(new byte[] { 0x10, 0x80, 0x80, 0x80, 0x64 }); // CONNECT, remaining length 200 MiB
                var buffer = new byte[16];
                using var closed = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                Assert.Equal(0, await stream.ReadAsync(buffer, closed.Token));
            }

            var after = BrokerProbe.ResidentBytes(host.Server);
            Assert.True(after - before < 40L * 1024 * 1024, $"RSS {before / 1048576} MB → {after / 1048576} MB");
            Assert.True(await BrokerProbe.CounterReachesAsync(host.Server, "ioc_broker_refused_total", "reason=\"packet_too_large\"", 4));

            // Between the contract's payload limit (64 KiB) and the packet limit (256 KiB): through the broker, dead-lettered by ingest.
            var seen = new ConcurrentQueue<string>();
            using var observer = await host.ObserverAsync(seen);
            var pad = Path.Combine(Path.GetTempPath(), "iocc-100kb-" + Guid.NewGuid().ToString("N")[..6]);
            await File.WriteAllTextAsync(pad, "{\"metrics\":{\"vehicle_count\":1},\"pad\":\"" + new string('a', 100_000) + "\"}");
            var padded = await BrokerProbe.MosquittoAsync("mosquitto_pub", "-h", "127.0.0.1", "-p", Broker, "-q", "1", "-t", "ioc/v1/traffic/demo-padded/telemetry", "-f", pad);
            File.Delete(pad);
            Assert.Contains("received PUBACK", padded.Output, StringComparison.Ordinal);
            await IntegrationTests.Eventually.WaitAsync(() => Task.FromResult(seen.Any(m => m.StartsWith("ioc/v1/deadletter/payload_too_large", StringComparison.Ordinal) && m.Contains("demo-padded", StringComparison.Ordinal))), s => s, TimeSpan.FromSeconds(10), "the dead letter");

            // Nothing of the huge status was kept, and a device still gets through.
            var retained = new ConcurrentQueue<string>();
            using var newcomer = await host.ObserverAsync(retained);
            await host.PublishMarkerAsync("demo-marker-huge");
            await IntegrationTests.Eventually.WaitAsync(() => Task.FromResult(retained.Any(m => m.Contains("demo-marker-huge", StringComparison.Ordinal))), s => s, TimeSpan.FromSeconds(10), "the marker");
            Assert.DoesNotContain(retained, m => m.StartsWith("ioc/v1/traffic/demo-huge/", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(big);
        }
    }

    /// <summary>One host for the class: the demo's configuration, plus a service account for the tests' observer.</summary>
    public sealed class DemoHost : IAsyncLifetime
    {
        public const string IngestClientId = "iocc-ingest-demo-test";
        private readonly string _observerSecret = DeviceSecrets.Generate();

        public DashboardProcess Server { get; } = new();

        public Task InitializeAsync() => Server.StartAsync(
            "--AllInOne:Simulators=false", $"--Mqtt:ClientId={IngestClientId}",
            "--AllInOne:BrokerServices:0:Username=iocc-observer", $"--AllInOne:BrokerServices:0:SecretHash={DeviceSecrets.Hash(_observerSecret)}");

        public Task DisposeAsync() => Server.DisposeAsync();

        /// <summary>A service's view of everything under <c>ioc/v1/</c> (retained messages first): "topic payload" lines.</summary>
        public async Task<IMqttClient> ObserverAsync(ConcurrentQueue<string> seen)
        {
            var client = await BrokerAccessChecks.ConnectAsync(new Uri($"mqtt://127.0.0.1:{Server.BrokerPort}"), "observer-" + Guid.NewGuid().ToString("N")[..6], "iocc-observer", _observerSecret);
            client.ApplicationMessageReceivedAsync += e =>
            {
                seen.Enqueue(e.ApplicationMessage.Topic + " " + e.ApplicationMessage.ConvertPayloadToString());
                return Task.CompletedTask;
            };
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("ioc/v1/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
            return client;
        }

        /// <summary>An anonymous device's status, published after everything before it was acknowledged.</summary>
        public async Task PublishMarkerAsync(string device)
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Server.BrokerPort).WithClientId(string.Empty).Build());
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"ioc/v1/traffic/{device}/status").WithPayload("online").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            await client.DisconnectAsync();
        }
    }
}
