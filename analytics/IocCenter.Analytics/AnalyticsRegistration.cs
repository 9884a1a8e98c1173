using IocCenter.Analytics.Agencies;
using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Incidents;
using IocCenter.Analytics.Live;
using IocCenter.Telemetry;
using IocCenter.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IocCenter.Analytics;

public static class AnalyticsRegistration
{
    /// <summary>
    /// Detectors fed from ingest in the same process (through <see cref="IReadingSink"/>), the incident store and
    /// service, and incident changes published on MQTT. Configuration: <c>Analytics</c>, <c>Analytics:Rules</c>, <c>Mqtt</c>.
    /// </summary>
    public static IHostApplicationBuilder AddAnalytics(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        builder.AddProvince();
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RuleOptions>().BindConfiguration(RuleOptions.Section)
            .PostConfigure<IServiceProvider>((o, sp) =>
            {
                o.OfflineAtStart ??= id => sp.GetRequiredService<IncidentService>().IsActive(IncidentKind.DeviceOffline, id);
                o.AnomalyAtStart ??= id => sp.GetRequiredService<IncidentService>().IsActive(IncidentKind.Anomaly, id);
                o.AreaName ??= code => sp.GetRequiredService<Geography.Province>().FindArea(code)?.Name ?? code;
            });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new IncidentStore(sp.GetRequiredService<IOptions<AnalyticsOptions>>().Value.DatabasePath));
        services.AddSingleton(sp => new IncidentService(
            sp.GetRequiredService<IncidentStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<AnalyticsOptions>>().Value.ReopenWithin,
            sp.GetRequiredService<IncidentDispatch>()));
        builder.AddPeopleWhoAct();
        services.AddSingleton<IIncidents>(sp => sp.GetRequiredService<IncidentService>());
        services.AddSingleton<LiveReadings>();
        services.AddSingleton<IReadingSink>(sp => sp.GetRequiredService<LiveReadings>());
        services.AddSingleton<AnalyticsWatchdog>();
        services.AddHostedService(sp => sp.GetRequiredService<AnalyticsWatchdog>());
        services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            "analytics-loop", sp => sp.GetRequiredService<AnalyticsWatchdog>(), failureStatus: null, tags: ["ready"]));
        services.AddHostedService<AnalyticsEngine>();
        if (builder.Configuration.GetValue(AnalyticsOptions.Section + ":" + nameof(AnalyticsOptions.MlEnabled), defaultValue: true))
        {
            // The models live beside the incident database, in models/{domain}-v{N}.zip.
            services.AddSingleton(sp =>
            {
                var databasePath = sp.GetRequiredService<IOptions<AnalyticsOptions>>().Value.DatabasePath;
                var pca = new Ml.PcaSupervisor(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath)) ?? ".", "models"));
                pca.LoadSaved();
                return pca;
            });
            services.AddHostedService<PcaTraining>();
        }

        services.AddHostedService<IncidentPublisher>();
        return builder;
    }

    /// <summary>
    /// For analytics running alone: the readings come from the broker (every device's telemetry and status) instead
    /// of an ingest in the same process. Areas come from the device registry (<c>Devices:RegistryPath</c>, else the province pack's devices.json).
    /// </summary>
    public static IHostApplicationBuilder AddAnalyticsFromBroker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddReadingsFromBroker();
    }

    /// <summary>
    /// Every device's readings from the broker, for a process without ingest of its own: each valid reading and
    /// status goes to every registered <see cref="IReadingSink"/>. Areas come from the device registry (<c>Devices:RegistryPath</c>, else the province pack's devices.json).
    /// </summary>
    public static IHostApplicationBuilder AddReadingsFromBroker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddProvince();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<BrokerReadings>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BrokerReadings>());
        return builder;
    }
}
