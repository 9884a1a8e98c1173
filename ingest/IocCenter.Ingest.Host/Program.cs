using IocCenter.Hosting;
using IocCenter.Ingest;

// Settings files sit beside the binary; data paths stay relative to the working directory (./data).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.AddIngest();

var app = builder.Build();
app.MapDefaultEndpoints();
return app.RunChecked();
