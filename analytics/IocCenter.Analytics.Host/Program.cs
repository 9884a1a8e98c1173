using IocCenter.Analytics;
using IocCenter.Analytics.Host;
using IocCenter.Hosting;
using IocCenter.Storage.Influx;
using IocCenter.Telemetry;

// Analytics alone: readings from the broker, incidents to the store and back to the broker; with Analytics:ApiKey
// set, the incident API for dashboards running apart (they acknowledge and resolve through it). With Influx:Url
// set, the PCA models train from the history ingest stored there.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.AddAnalytics();
builder.AddAnalyticsFromBroker();
var influx = builder.Configuration.GetSection(InfluxOptions.Section).Get<InfluxOptions>();
if (influx?.Url is not null)
{
    builder.Services.AddSingleton<ITelemetryHistory>(_ => new InfluxTelemetryHistory(new InfluxHttpClient(new HttpClient(), influx)));
}

builder.Services.AddHealthChecks().AddCheck<IocCenter.Analytics.Host.ReadingsHealthCheck>("analytics", tags: ["ready"]);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapIncidentApi();
return app.RunChecked();
