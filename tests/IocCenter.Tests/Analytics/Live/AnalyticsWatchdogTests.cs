using System.Diagnostics.Metrics;
using IocCenter.Analytics;
using IocCenter.Analytics.Live;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IocCenter.Tests.Analytics.Live;

public class AnalyticsWatchdogTests
{
    private static (AnalyticsWatchdog Watchdog, FakeTimeProvider Time, Func<string, long> Count, IDisposable Scope) Create()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T03:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture));
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var watchdog = new AnalyticsWatchdog(time, Options.Create(new AnalyticsOptions { StallAfter = TimeSpan.FromSeconds(60) }), services.GetRequiredService<IMeterFactory>(), NullLogger<AnalyticsWatchdog>.Instance);
        var counts = new Dictionary<string, long>();
        var listener = new MeterListener { InstrumentPublished = (i, l) => { if (i.Meter.Name == "IocCenter.Analytics") { l.EnableMeasurementEvents(i); } } };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => { lock (counts) { counts[i.Name] = counts.GetValueOrDefault(i.Name) + v; } });
        listener.Start();
        return (watchdog, time, name => { lock (counts) { return counts.GetValueOrDefault(name); } }, new Scope(listener, services));
    }

    private sealed record Scope(MeterListener Listener, ServiceProvider Services) : IDisposable
    {
        public void Dispose()
        {
            Listener.Dispose();
            Services.Dispose();
        }
    }

    [Fact]
    public async Task NoBeatForStallAfter_IsUnhealthyInBothLanguages_CountedOnce_AndHealthyAgainAfterABeat()
    {
        var (watchdog, time, count, scope) = Create();
        using var _ = scope;
        watchdog.Beat();
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(HealthStatus.Healthy, (await watchdog.CheckHealthAsync(new HealthCheckContext())).Status);

        time.Advance(TimeSpan.FromSeconds(2));
        var stalled = await watchdog.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, stalled.Status);
        Assert.Contains("bộ phân tích đứng", stalled.Description, StringComparison.Ordinal);
        Assert.Contains("no progress for 61 s", stalled.Description, StringComparison.Ordinal);
        time.Advance(TimeSpan.FromSeconds(30));
        watchdog.Check();
        await watchdog.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(1, count("ioc.analytics.stalls"));

        watchdog.Beat();
        Assert.Equal(HealthStatus.Healthy, (await watchdog.CheckHealthAsync(new HealthCheckContext())).Status);
        time.Advance(TimeSpan.FromSeconds(61));
        watchdog.Check();
        Assert.Equal(2, count("ioc.analytics.stalls"));
    }

    [Fact]
    public async Task FailingIncidentWrites_AreUnhealthyWithTheError_UntilTheyGoThrough()
    {
        var (watchdog, _, count, scope) = Create();
        using var _ = scope;
        watchdog.IncidentWrites(3, "database is locked", failedNow: true);
        var failing = await watchdog.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, failing.Status);
        Assert.Contains("không ghi được sự cố", failing.Description, StringComparison.Ordinal);
        Assert.Contains("3 waiting): database is locked", failing.Description, StringComparison.Ordinal);
        Assert.Equal(1, count("ioc.analytics.incident_writes.failed"));

        watchdog.IncidentWrites(0, null, failedNow: false);
        Assert.Equal(HealthStatus.Healthy, (await watchdog.CheckHealthAsync(new HealthCheckContext())).Status);
    }
}
