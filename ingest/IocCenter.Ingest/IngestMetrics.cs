using System.Diagnostics.Metrics;
using IocCenter.Telemetry;

namespace IocCenter.Ingest;

/// <summary>The ingest meter (<c>IocCenter.Ingest</c>), scraped as Prometheus at <c>/metrics</c>.</summary>
public sealed class IngestMetrics
{
    public const string MeterName = "IocCenter.Ingest";

    private readonly Counter<long> _received;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _readings;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _pointsWritten;
    private readonly Counter<long> _batchesWritten;
    private readonly Counter<long> _writeErrors;
    private readonly Counter<long> _writeRetries;
    private readonly Counter<long> _deadLettersUnpublished;
    private readonly Counter<long> _brokerConnects;
    private readonly Counter<long> _retainedRepeats;
    private readonly Histogram<double> _lag;
    private readonly Histogram<double> _readingAge;
    private readonly Histogram<double> _storedAge;
    private readonly KeyValuePair<string, object?>[][] _reasonTags;
    private readonly Meter _meter;

    public IngestMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = _meter = meterFactory.Create(MeterName);
        _received = meter.CreateCounter<long>("ioc.ingest.messages.received", "{message}", "Device messages received from the broker.");
        _accepted = meter.CreateCounter<long>("ioc.ingest.messages.accepted", "{message}", "Messages made durable as readings.");
        _readings = meter.CreateCounter<long>("ioc.ingest.readings.accepted", "{reading}", "Readings made durable (a batch message holds several).");
        _rejected = meter.CreateCounter<long>("ioc.ingest.messages.rejected", "{message}", "Messages dead-lettered, by reason.");
        _pointsWritten = meter.CreateCounter<long>("ioc.ingest.points.written", "{point}", "Points InfluxDB accepted.");
        _batchesWritten = meter.CreateCounter<long>("ioc.ingest.batches.written", "{batch}", "Write requests InfluxDB accepted.");
        _writeErrors = meter.CreateCounter<long>("ioc.ingest.write.errors", "{request}", "Write requests that failed, by outcome.");
        _writeRetries = meter.CreateCounter<long>("ioc.ingest.write.retries", "{request}", "Write requests sent again after a failure.");
        _deadLettersUnpublished = meter.CreateCounter<long>("ioc.ingest.deadletters.unpublished", "{message}", "Dead letters kept on disk only, because the publish queue was full.");
        _brokerConnects = meter.CreateCounter<long>("ioc.ingest.broker.connects", "{connection}", "Successful broker connections, by whether the broker still had the persistent session.");
        _retainedRepeats = meter.CreateCounter<long>("ioc.ingest.messages.retained_repeats", "{message}", "Rejected retained messages the broker sent again (a new subscription), already dead-lettered once and not again, by reason.");
        _lag = meter.CreateHistogram<double>("ioc.ingest.lag", "ms", "Time from receiving a message to its readings being durable.");
        _readingAge = meter.CreateHistogram<double>("ioc.ingest.reading.age", "ms", "Time from a reading's own timestamp to it being durable (publish to durable when device clocks are right).");
        _storedAge = meter.CreateHistogram<double>("ioc.ingest.stored.age", "ms", "Time from a reading's own timestamp to InfluxDB accepting it (publish to stored when device clocks are right).");
        _reasonTags = new KeyValuePair<string, object?>[Enum.GetValues<RejectReason>().Length][];
        foreach (var reason in Enum.GetValues<RejectReason>())
        {
            _reasonTags[(int)reason] = [new("reason", reason.Code())];
        }
    }

    internal Counter<long> Received => _received;

    internal Counter<long> Accepted => _accepted;

    internal Counter<long> Readings => _readings;

    internal Counter<long> PointsWritten => _pointsWritten;

    internal Counter<long> BatchesWritten => _batchesWritten;

    internal Counter<long> WriteRetries => _writeRetries;

    internal Counter<long> DeadLettersUnpublished => _deadLettersUnpublished;

    internal Histogram<double> Lag => _lag;

    internal Histogram<double> ReadingAge => _readingAge;

    /// <summary>Records each point's age as the store accepted it: from its timestamp (a line's last field, in ms) to <paramref name="nowMs"/>.</summary>
    internal void StoredAges(ReadOnlySpan<byte> lines, long nowMs)
    {
        if (!_storedAge.Enabled)
        {
            return;
        }

        while (!lines.IsEmpty)
        {
            var end = lines.IndexOf((byte)'\n');
            var line = end < 0 ? lines : lines[..end];
            var space = line.LastIndexOf((byte)' ');
            if (space >= 0 && System.Buffers.Text.Utf8Parser.TryParse(line[(space + 1)..], out long timestampMs, out var consumed) && consumed == line.Length - space - 1)
            {
                _storedAge.Record(nowMs - timestampMs);
            }

            lines = end < 0 ? default : lines[(end + 1)..];
        }
    }

    internal void Rejected(RejectReason reason) => _rejected.Add(1, _reasonTags[(int)reason]);

    internal void RetainedRepeat(RejectReason reason) => _retainedRepeats.Add(1, _reasonTags[(int)reason]);

    internal void BrokerConnected(bool sessionPresent) =>
        _brokerConnects.Add(1, new KeyValuePair<string, object?>("session_present", sessionPresent ? "true" : "false"));

    internal void WriteError(string outcome) => _writeErrors.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Gauges read from the journal at scrape time.</summary>
    internal void ObserveJournal(Func<long> pendingLines, Func<long> pendingBytes)
    {
        _meter.CreateObservableGauge("ioc.ingest.points.pending", pendingLines, "{point}", "Readings durable in the journal, not yet in InfluxDB.");
        _meter.CreateObservableGauge("ioc.ingest.journal.bytes", pendingBytes, "By", "Journal bytes not yet in InfluxDB.");
    }
}
