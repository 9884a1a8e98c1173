using IocCenter.Analytics;
using IocCenter.Ingest;
using IocCenter.Ingest.Journal;
using IocCenter.Ingest.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IocCenter.IntegrationTests;

/// <summary>The real ingest (AddIngest) in a generic host, configured as an operator would, against the test containers.</summary>
internal static class IngestHost
{
    public static async Task<IHost> StartAsync(ServicesFixture services, string database, string dataPath, string clientId, Action<IDictionary<string, string?>>? configure = null, bool analytics = false)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mqtt:Url"] = services.MqttUrl.ToString(),
            ["Mqtt:ClientId"] = clientId,
            ["Mqtt:SessionExpiry"] = "00:10:00",
            ["Influx:Url"] = services.InfluxUrl.ToString(),
            ["Influx:Database"] = database,
            ["Ingest:DataPath"] = dataPath,
            ["Analytics:DatabasePath"] = Path.Combine(dataPath, "incidents.db"),
        };
        configure?.Invoke(settings);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddIngest();
        if (analytics)
        {
            builder.AddAnalytics();
        }

        var host = builder.Build();
        await host.StartAsync();

        // A new session only receives what is published after it subscribed, as with any MQTT subscriber.
        var subscriber = host.Services.GetRequiredService<TelemetrySubscriber>();
        await Eventually.WaitAsync(() => Task.FromResult(subscriber.IsConnected), connected => connected, TimeSpan.FromSeconds(30), "ingest subscribed");
        return host;
    }

    public static long PendingLines(this IHost host) => host.Services.GetRequiredService<TelemetryJournal>().PendingLines;

    /// <summary>Readings this instance made durable (its share of a shared subscription).</summary>
    public static long CommittedLines(this IHost host) => host.Services.GetRequiredService<TelemetryJournal>().CommittedLines;
}
