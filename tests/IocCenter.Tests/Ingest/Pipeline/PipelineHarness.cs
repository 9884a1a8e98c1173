using System.Buffers;
using System.Text;
using IocCenter.Devices;
using IocCenter.Ingest;
using IocCenter.Ingest.DeadLetters;
using IocCenter.Ingest.Journal;
using IocCenter.Ingest.Pipeline;
using IocCenter.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Packets;

namespace IocCenter.Tests.Ingest.Pipeline;

/// <summary>A real pipeline (journal, dead-letter log) on a temp folder, with recorded acknowledgements and fake time.</summary>
internal sealed class PipelineHarness : IDisposable
{
    private readonly TestDirectory _dir;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ConnectionEpoch _epoch = new();

    public PipelineHarness(DeviceDirectory? devices = null, TestDirectory? directory = null)
    {
        _dir = directory ?? new TestDirectory();
        Time.SetUtcNow(DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var options = Options.Create(new IngestOptions { DataPath = _dir.Path });
        Metrics = new IngestMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        Journal = new TelemetryJournal(Path.Combine(_dir.Path, "journal"), 1 << 20, Time);
        DeadLetters = new DeadLetterSink(options, Metrics, Time, NullLogger<DeadLetterSink>.Instance);
        Pipeline = new IngestPipeline(Journal, DeadLetters, devices ?? DeviceDirectory.Empty, Metrics, Options.Create(new ContractLimits()), options, Time, NullLogger<IngestPipeline>.Instance);
        _epoch.Next();
    }

    public FakeTimeProvider Time { get; } = new();

    public IngestMetrics Metrics { get; }

    public System.Diagnostics.Metrics.IMeterFactory MeterFactory => _services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();

    public TelemetryJournal Journal { get; }

    public DeadLetterSink DeadLetters { get; }

    public IngestPipeline Pipeline { get; }

    public List<string> Acknowledged { get; } = [];

    public Task AcceptAsync(string topic, string payload, bool retained = false) => AcceptAsync(topic, Encoding.UTF8.GetBytes(payload), retained);

    public async Task AcceptAsync(string topic, byte[] payload, bool retained = false)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retained).Build();
        var delivery = new MqttApplicationMessageReceivedEventArgs("ingest", message, new MqttPublishPacket(), (e, _) =>
        {
            lock (Acknowledged)
            {
                Acknowledged.Add(e.ApplicationMessage.Topic + " " + Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
            }

            return Task.CompletedTask;
        });
        await Pipeline.AcceptAsync(topic, message.Payload, new DeliveryAck(delivery, _epoch, _epoch.Current), CancellationToken.None, retained);
    }

    public void Reconnect() => _epoch.Next();

    public string JournalText()
    {
        var buffer = new byte[1 << 20];
        var read = Journal.Read(Journal.Checkpoint, buffer);
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    public string[] DeadLetterLines() =>
        Directory.GetFiles(DeadLetters.DirectoryPath, "*.jsonl").SelectMany(File.ReadAllLines).ToArray();

    /// <summary>Stops this pipeline but keeps its folder, for a "restarted" harness on the same data.</summary>
    public TestDirectory Keep()
    {
        _kept = true;
        return _dir;
    }

    private bool _kept;

    public void Dispose()
    {
        DeadLetters.Dispose();
        Journal.Dispose();
        _services.Dispose();
        if (!_kept)
        {
            _dir.Dispose();
        }
    }

    public static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));
}
