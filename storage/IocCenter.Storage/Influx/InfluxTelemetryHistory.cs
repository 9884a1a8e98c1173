using System.Globalization;
using IocCenter.Telemetry;

namespace IocCenter.Storage.Influx;

/// <summary>
/// Stored telemetry read back from InfluxDB with one InfluxQL query per call: grouped by the <c>device</c> tag,
/// newest first and limited per device (<c>LIMIT</c>) and in devices (<c>SLIMIT</c>), then put oldest first.
/// Numeric fields become metrics; tags and text fields are left out.
/// </summary>
public sealed class InfluxTelemetryHistory(InfluxHttpClient influx) : ITelemetryHistory
{
    public async Task<IReadOnlyList<HistoryReading>> ReadAsync(TelemetryDomain domain, DateTimeOffset since, DateTimeOffset until, int maxDevices, int maxPerDevice, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDevices);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPerDevice);
        var query = string.Create(CultureInfo.InvariantCulture,
            $"SELECT * FROM \"{domain.Name()}\" WHERE time >= {since.ToUnixTimeMilliseconds()}ms AND time < {until.ToUnixTimeMilliseconds()}ms GROUP BY \"device\" ORDER BY time DESC LIMIT {maxPerDevice} SLIMIT {maxDevices}");
        var readings = new List<HistoryReading>();
        foreach (var series in await influx.QueryAsync(query, cancellationToken))
        {
            if (!series.Tags.TryGetValue("device", out var device) || device.Length == 0)
            {
                continue;
            }

            var time = series.Column("time");
            var metrics = new List<MetricValue>(series.Columns.Count);
            var first = readings.Count;
            foreach (var row in series.Values)
            {
                metrics.Clear();
                for (var c = 0; c < series.Columns.Count; c++)
                {
                    switch (row[c])
                    {
                        case long l when c != time:
                            metrics.Add(new MetricValue(series.Columns[c], l, IsInteger: true));
                            break;
                        case double d when c != time:
                            metrics.Add(new MetricValue(series.Columns[c], d, IsInteger: false));
                            break;
                    }
                }

                if (row[time] is long at && metrics.Count > 0)
                {
                    readings.Add(new HistoryReading(device, at, [.. metrics]));
                }
            }

            readings.Reverse(first, readings.Count - first);
        }

        return readings;
    }

    public async Task<IReadOnlyList<SeriesPoint>> SeriesAsync(TelemetryDomain domain, string deviceId, string metric, DateTimeOffset since, DateTimeOffset until, TimeSpan bucket, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentException.ThrowIfNullOrEmpty(metric);
        var field = "\"" + metric.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var device = deviceId.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
        var query = string.Create(CultureInfo.InvariantCulture,
            $"SELECT mean({field}), min({field}), max({field}) FROM \"{domain.Name()}\" WHERE \"device\" = '{device}' AND time >= {since.ToUnixTimeMilliseconds()}ms AND time < {until.ToUnixTimeMilliseconds()}ms GROUP BY time({(long)bucket.TotalMilliseconds}ms) fill(none)");
        var points = new List<SeriesPoint>();
        foreach (var series in await influx.QueryAsync(query, cancellationToken))
        {
            foreach (var row in series.Values)
            {
                if (row[0] is long at && row[1] is not null)
                {
                    points.Add(new SeriesPoint(at, Convert.ToDouble(row[1], CultureInfo.InvariantCulture), Convert.ToDouble(row[2], CultureInfo.InvariantCulture), Convert.ToDouble(row[3], CultureInfo.InvariantCulture)));
                }
            }
        }

        return points;
    }
}
