using System.Diagnostics.Metrics;
using IocCenter.Ingest;

namespace IocCenter.Bench;

/// <summary>
/// Collects every measurement of one of ingest's age histograms: <c>ioc.ingest.reading.age</c> (publish time, stamped by
/// the load generator, → durable in the journal) or <c>ioc.ingest.stored.age</c> (→ accepted by InfluxDB).
/// </summary>
internal sealed class LatencyRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<double> _values = new(1 << 20);

    public LatencyRecorder(string instrumentName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == IngestMetrics.MeterName && instrument.Name == instrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (_values)
            {
                _values.Add(value);
            }
        });
        _listener.Start();
    }

    public double Percentile(double p)
    {
        lock (_values)
        {
            if (_values.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _values.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }

    public void Dispose() => _listener.Dispose();
}
