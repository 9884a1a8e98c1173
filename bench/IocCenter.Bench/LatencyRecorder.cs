using System.Diagnostics.Metrics;
using IocCenter.Ingest;

namespace IocCenter.Bench;

/// <summary>Collects every <c>ioc.ingest.reading.age</c> measurement (publish time stamped by the fleet → durable in the journal).</summary>
internal sealed class LatencyRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<double> _values = new(1 << 20);

    public LatencyRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == IngestMetrics.MeterName && instrument.Name == "ioc.ingest.reading.age")
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
