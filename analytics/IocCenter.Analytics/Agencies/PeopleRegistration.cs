using IocCenter.Analytics.Notifications;
using IocCenter.Devices;
using IocCenter.Geography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IocCenter.Analytics.Agencies;

internal static class PeopleRegistration
{
    /// <summary>
    /// Routing to agencies, the outbox's sender and its channels, and the escalation clock, beside the incident writer
    /// (sections <c>Routing</c>, <c>Escalation</c>, <c>Notifications</c>).
    /// </summary>
    public static IHostApplicationBuilder AddPeopleWhoAct(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RoutingOptions>().BindConfiguration(RoutingOptions.Section).ValidateOnStart();
        services.AddOptions<EscalationOptions>().BindConfiguration(EscalationOptions.Section).ValidateOnStart();
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RoutingOptions>, RoutingValidation>();
        services.AddSingleton<IValidateOptions<EscalationOptions>, RoutingValidation>();
        services.AddSingleton<IValidateOptions<NotificationOptions>, RoutingValidation>();
        services.AddSingleton(sp => new DeviceDomains(sp.GetRequiredService<DeviceDirectory>()));
        services.AddSingleton(sp =>
        {
            var province = sp.GetRequiredService<Province>();
            var registry = sp.GetRequiredService<DeviceDirectory>();
            var domains = sp.GetRequiredService<DeviceDomains>();
            var names = new IncidentNames(domains.Of, code => province.FindArea(code)?.Name, id => registry.Find(id)?.Name);
            return new IncidentDispatch(
                sp.GetRequiredService<IOptions<RoutingOptions>>().Value,
                sp.GetRequiredService<IOptions<EscalationOptions>>().Value,
                names,
                sp.GetRequiredService<IOptions<NotificationOptions>>().Value.BaseUrl,
                NotificationChannels.Names(builder.Configuration),
                sp.GetRequiredService<IOptions<NotificationOptions>>().Value.HoldNewFor);
        });
        NotificationChannels.Add(builder);
        services.AddSingleton<NotificationSender>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationSender>());
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "notifications", sp => sp.GetRequiredService<NotificationSender>(), failureStatus: HealthStatus.Degraded, tags: ["ready"]));
        services.AddHostedService<EscalationClock>();
        return builder;
    }
}
