using IocCenter.Dashboard;
using IocCenter.Hosting;

// The all-in-one IOC: embedded broker, ingest, analytics, the web app and a simulated demo province.
// Settings files sit beside the binary; data stays relative to the working directory (./data).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.AddAllInOne();

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapHub<IocCenter.Dashboard.Live.IocHub>("/hubs/ioc");
app.MapGet("/", () => Results.Redirect("/wall"));
app.MapGet("/wall", () => Results.File("wall.html", "text/html; charset=utf-8"));
return app.RunChecked();

/// <summary>The entry point, for <c>WebApplicationFactory</c> in tests.</summary>
public partial class Program;
