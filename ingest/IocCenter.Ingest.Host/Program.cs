using IocCenter.Analytics;
using IocCenter.Hosting;
using IocCenter.Ingest;

// Settings files sit beside the binary; data paths stay relative to the working directory (./data).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.AddIngest();
if (builder.Configuration.GetValue("Analytics:Enabled", defaultValue: true))
{
    // Single-machine default: the detectors watch the readings as ingest accepts them.
    builder.AddAnalytics();
}

var app = builder.Build();
app.MapDefaultEndpoints();
return app.RunChecked();
