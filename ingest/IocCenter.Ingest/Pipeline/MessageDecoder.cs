using System.Buffers;
using IocCenter.Devices;
using IocCenter.Ingest.DeadLetters;
using IocCenter.LineProtocol;
using IocCenter.Telemetry;

namespace IocCenter.Ingest.Pipeline;

/// <summary>Topic + payload → line-protocol points, or a dead letter. Not thread-safe (reuses its buffers).</summary>
internal sealed class MessageDecoder(ContractLimits limits, DeviceDirectory devices, IngestMetrics metrics, IReadingSink[] sinks, RetainedRejects retainedRejects)
{
    private const string StatusMeasurement = "device_status";
    private static readonly MetricValue Online = new("online", 1, IsInteger: true);
    private static readonly MetricValue Offline = new("online", 0, IsInteger: true);

    private readonly NamePool _deviceIds = new();
    private readonly TelemetryPayloadParser _parser = new(limits);
    private readonly TelemetryBatch _batch = new();
    private readonly KeyValuePair<string, string?>[] _tags = new KeyValuePair<string, string?>[3];

    /// <summary>Decodes one message into <paramref name="group"/>; the caller adds the acknowledgement.</summary>
    /// <remarks>
    /// A rejected <paramref name="retained"/> message (the broker sends retained ones again on every new subscription)
    /// is dead-lettered the first time only; its repeats are counted (<c>ioc.ingest.messages.retained_repeats</c>).
    /// </remarks>
    public void Decode(string topic, in ReadOnlySequence<byte> payload, long receivedMs, CommitGroup group, bool retained = false)
    {
        if (TelemetryTopic.IsServiceTopic(topic))
        {
            return;
        }

        metrics.Received.Add(1);
        var reason = TelemetryTopic.TryParse(topic, _deviceIds, out var parsed);
        string? detail = null;
        if (reason == RejectReason.None)
        {
            reason = parsed.Kind == TopicKind.Telemetry
                ? DecodeTelemetry(parsed, payload, receivedMs, group, out detail)
                : DecodeStatus(topic, parsed, payload, receivedMs, group, out detail);
        }

        if (reason != RejectReason.None && retained && retainedRejects.Repeated(topic, payload, group.RetainedRejects))
        {
            metrics.RetainedRepeat(reason);
        }
        else if (reason != RejectReason.None)
        {
            metrics.Rejected(reason);
            group.DeadLetters.Add(DeadLetter.Create(topic, reason, detail, DateTimeOffset.FromUnixTimeMilliseconds(receivedMs), payload));
        }
    }

    private RejectReason DecodeTelemetry(TelemetryTopic topic, in ReadOnlySequence<byte> payload, long receivedMs, CommitGroup group, out string? detail)
    {
        var reason = _parser.Parse(payload, receivedMs, _batch, out detail);
        if (reason != RejectReason.None)
        {
            return reason;
        }

        var area = devices.AreaOf(topic.DeviceId);
        _tags[0] = new("area", area);
        _tags[1] = new("device", topic.DeviceId);
        var measurement = topic.Domain.Name();
        var newest = long.MinValue;
        for (var i = 0; i < _batch.Count; i++)
        {
            var timestamp = _batch.TimestampMs(i);
            newest = Math.Max(newest, timestamp);
            LineProtocolWriter.AppendPoint(group.Lines, measurement, _tags.AsSpan(0, 2), _batch.Metrics(i), timestamp);
            foreach (var sink in sinks)
            {
                sink.Accept(topic.DeviceId, topic.Domain, area, timestamp, _batch.Metrics(i));
            }
        }

        group.LineCount += _batch.Count;
        group.Accepted.Add((receivedMs, newest));
        metrics.Accepted.Add(1);
        metrics.Readings.Add(_batch.Count);
        return RejectReason.None;
    }

    private RejectReason DecodeStatus(string rawTopic, TelemetryTopic topic, in ReadOnlySequence<byte> payload, long receivedMs, CommitGroup group, out string? detail)
    {
        detail = null;
        if (payload.IsEmpty)
        {
            retainedRejects.Replaced(rawTopic, group.RetainedRejects);
            // An empty retained message clears the retained status; nothing to store.
            return RejectReason.None;
        }

        if (!DeviceStatus.TryParse(payload, out var online))
        {
            detail = "status must be 'online' or 'offline'";
            return RejectReason.StatusInvalid;
        }

        retainedRejects.Replaced(rawTopic, group.RetainedRejects);
        var state = online ? Online : Offline;

        var area = devices.AreaOf(topic.DeviceId);
        _tags[0] = new("area", area);
        _tags[1] = new("device", topic.DeviceId);
        _tags[2] = new("domain", topic.Domain.Name());
        LineProtocolWriter.AppendPoint(group.Lines, StatusMeasurement, _tags, [state], receivedMs);
        foreach (var sink in sinks)
        {
            sink.AcceptStatus(topic.DeviceId, topic.Domain, area, state.Value == 1, receivedMs);
        }
        group.LineCount++;
        group.Accepted.Add((receivedMs, receivedMs));
        metrics.Accepted.Add(1);
        metrics.Readings.Add(1);
        return RejectReason.None;
    }
}
