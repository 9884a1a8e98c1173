using IocCenter.Storage.Influx;

namespace IocCenter.IntegrationTests;

internal static class InfluxAssertions
{
    /// <summary>Points in a measurement (COUNT of a field every point of it has); 0 when the measurement does not exist.</summary>
    public static async Task<long> CountAsync(this InfluxHttpClient influx, string measurement, string field)
    {
        var series = await influx.QueryAsync($"SELECT COUNT(\"{field}\") FROM \"{measurement}\"", CancellationToken.None);
        return series.Count == 0 ? 0 : Convert.ToInt64(series[0].Values[0][1], System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<long> TelemetryCountAsync(this InfluxHttpClient influx) =>
        await influx.CountAsync("traffic", "avg_speed_kmh") + await influx.CountAsync("environment", "pm25_ugm3") + await influx.CountAsync("connectivity", "latency_ms");

    public static async Task<string[]> ColumnValuesAsync(this InfluxHttpClient influx, string influxQl, string column)
    {
        var series = await influx.QueryAsync(influxQl, CancellationToken.None);
        return series.SelectMany(s => s.Values.Select(row => Convert.ToString(row[s.Column(column)], System.Globalization.CultureInfo.InvariantCulture)!)).ToArray();
    }
}
