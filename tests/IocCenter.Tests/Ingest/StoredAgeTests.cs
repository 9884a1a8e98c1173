using System.Diagnostics.Metrics;
using System.Text;
using IocCenter.Ingest;
using Microsoft.Extensions.DependencyInjection;

namespace IocCenter.Tests.Ingest;

/// <summary><c>ioc.ingest.stored.age</c>: each point's age when InfluxDB accepted it, read from its line's timestamp.</summary>
public sealed class StoredAgeTests
{
    [Fact]
    public void EachLinesTimestamp_GivesOneAge_AndALineWithoutOneGivesNone()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new IngestMetrics(services.GetRequiredService<IMeterFactory>());
        var ages = new List<double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == IngestMetrics.MeterName && instrument.Name == "ioc.ingest.stored.age")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => ages.Add(value));
        listener.Start();

        var lines = Encoding.UTF8.GetBytes(
            "traffic,device=trf-1,area=29905 vehicle_count=12i,avg_speed_kmh=41.5 1763805600000\n" +
            "environment,device=env\\ 1 pm25_ugm3=21.5 1763805599750\n" +
            "connectivity,device=net-1 latency_ms=35\n" + // no timestamp: no age
            "traffic,device=trf-2 avg_speed_kmh=30 1763805600100");
        metrics.StoredAges(lines, 1763805600200);

        Assert.Equal([200d, 450d, 100d], ages);
    }
}
