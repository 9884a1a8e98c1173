using IocCenter.Analytics;
using IocCenter.Analytics.Incidents;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IocCenter.IntegrationTests;

/// <summary>Analytics without ingest in its process: readings straight from the real broker.</summary>
public sealed class AnalyticsAloneTests(ServicesFixture services) : IClassFixture<ServicesFixture>, IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task SubscribedToTheBroker_DegradedLinkBecomesAnIncident_AndABadMessageIsSkipped()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mqtt:Url"] = services.MqttUrl.ToString(),
            ["Analytics:DatabasePath"] = Path.Combine(_folder.Path, "incidents.db"),
            ["Analytics:Rules:MinDuration"] = "00:00:02",
        });
        builder.AddAnalytics();
        builder.AddAnalyticsFromBroker();
        using var host = builder.Build();
        await host.StartAsync();
        var broker = host.Services.GetRequiredService<IocCenter.Analytics.Live.BrokerReadings>();
        await Eventually.WaitAsync(() => Task.FromResult(broker.IsConnected), c => c, TimeSpan.FromSeconds(30), "analytics subscribed");

        await using var publisher = await Publisher.ConnectAsync(services.MqttUrl);
        await publisher.PublishAsync("ioc/v1/connectivity/net-29955-2/telemetry", "{not json");
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        for (var i = 0; i < 6; i++)
        {
            var ts = start.AddSeconds(i).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            await publisher.PublishAsync("ioc/v1/connectivity/net-29955-2/telemetry", $$"""{"ts":"{{ts}}","metrics":{"latency_ms":35,"packet_loss_pct":25} }""");
        }

        var incidents = host.Services.GetRequiredService<IncidentService>();
        var incident = await Eventually.WaitAsync(
            () => Task.FromResult(incidents.Unresolved().FirstOrDefault(i => i.Kind == IncidentKind.ConnectivityDegraded)),
            i => i is not null, TimeSpan.FromSeconds(30), "connectivity incident");
        Assert.Equal(("net-29955-2", Severity.Major), (incident!.DeviceId, incident.Severity));
        await host.StopAsync();
    }
}
