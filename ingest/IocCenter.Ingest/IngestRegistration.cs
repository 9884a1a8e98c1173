using IocCenter.Hosting;
using IocCenter.Ingest.DeadLetters;
using IocCenter.Ingest.Journal;
using IocCenter.Ingest.Mqtt;
using IocCenter.Ingest.Pipeline;
using IocCenter.Ingest.Storage;
using IocCenter.Storage;
using IocCenter.Storage.Influx;
using IocCenter.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IocCenter.Ingest;

public static class IngestRegistration
{
    /// <summary>
    /// MQTT subscriber → validation → fsynced journal → InfluxDB, with dead letters, metrics and a <c>ready</c>
    /// health check. Configuration sections: <c>Mqtt</c>, <c>Influx</c>, <c>Ingest</c>, <c>Contract</c>,
    /// <c>Province:Path</c>, <c>Devices:RegistryPath</c>.
    /// </summary>
    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // A host may register its own telemetry store first (the all-in-one host: SQLite unless Influx:Url is set);
        // otherwise the store is InfluxDB, and Influx:Url is required.
        var ownStore = services.Any(d => d.ServiceType == typeof(ITelemetryStore));
        services.AddOptions<InfluxOptions>().BindConfiguration(InfluxOptions.Section).ValidateDataAnnotations()
            .Validate(o => ownStore || o.Url is not null, "Influx:Url is required (the InfluxDB to write to) / cần Influx:Url")
            .ValidateOnStart();
        services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ContractLimits>().BindConfiguration(ContractLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        // The province pack and its device registry (Devices:RegistryPath wins over the pack's devices.json): each
        // reading is tagged with its device's area.
        builder.AddProvince();

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<InfluxOptions>>().Value;
            var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 32 };
            return new InfluxHttpClient(new HttpClient(handler), options);
        });
        services.TryAddSingleton<ITelemetryStore>(sp => sp.GetRequiredService<InfluxHttpClient>());
        services.TryAddSingleton<ITelemetryHistory>(sp => new InfluxTelemetryHistory(sp.GetRequiredService<InfluxHttpClient>()));
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<IngestOptions>>().Value;
            return new TelemetryJournal(Path.Combine(options.DataPath, "journal"), options.JournalSegmentBytes, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<DeadLetterSink>();
        services.AddSingleton<IngestPipeline>();
        services.AddSingleton<TelemetrySubscriber>();
        services.AddSingleton<JournalDrain>();

        // Hosted services stop in reverse order: the subscriber stops taking deliveries first, the pipeline
        // commits and acknowledges what it took, and the drain writes to InfluxDB last.
        services.AddHostedService(sp => sp.GetRequiredService<JournalDrain>());
        services.AddHostedService(sp => sp.GetRequiredService<IngestPipeline>());
        services.AddHostedService(sp => sp.GetRequiredService<TelemetrySubscriber>());

        services.AddHealthChecks().AddCheck<IngestHealthCheck>("ingest", tags: ["ready"]);
        return builder;
    }
}
