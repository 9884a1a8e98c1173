using IocCenter.Analytics;
using IocCenter.Hosting;

// Analytics alone: readings from the broker, incidents to the store and back to the broker.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.AddAnalytics();
builder.AddAnalyticsFromBroker();

var app = builder.Build();
app.MapDefaultEndpoints();
return app.RunChecked();
