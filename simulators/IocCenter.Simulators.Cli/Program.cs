using System.Globalization;
using IocCenter.Devices;
using IocCenter.Geography;
using IocCenter.Simulators.Cli;
using IocCenter.Simulators.Fleet;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(CommandLine.Help);
    return 0;
}

FleetOptions options;
string? registryOut, truthOut, provincePath;
bool registryOnly;
try
{
    (options, registryOut, registryOnly, truthOut, provincePath) = CommandLine.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine($"Tham số không hợp lệ / Invalid option: {e.Message}");
    Console.Error.WriteLine("Xem / see: --help");
    return 2;
}

var (province, problems) = ProvincePack.Load(provincePath ?? ProvinceOptions.DefaultPath);
if (province is null)
{
    Console.Error.WriteLine("Gói tỉnh không hợp lệ / Invalid province pack:");
    foreach (var problem in problems)
    {
        Console.Error.WriteLine("  - " + problem);
    }

    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

await using var fleet = new FleetRunner(options, province);
if (registryOut is not null)
{
    DeviceDirectory.Save(registryOut, fleet.Devices.Select(d => d.Record));
    Console.WriteLine($"Đã ghi danh bạ thiết bị / Device registry written: {registryOut} ({fleet.Devices.Count} devices)");
}

if (registryOnly)
{
    return 0;
}

Console.WriteLine($"Kết nối {fleet.Devices.Count} thiết bị tới / Connecting {fleet.Devices.Count} devices to {options.BrokerUrl} ...");
try
{
    await fleet.ConnectAsync(stop.Token);
}
catch (Exception e) when (e is not OperationCanceledException)
{
    Console.Error.WriteLine($"Không kết nối được broker / Cannot connect to the broker {options.BrokerUrl}: {e.GetBaseException().Message}");
    return 1;
}

var interactive = !Console.IsOutputRedirected;
using var progressTimer = new PeriodicTimer(interactive ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(5));
var run = fleet.RunAsync(stop.Token);
if (truthOut is not null)
{
    // The plan is fixed when the run starts: written now, so a live evaluation can use it while the fleet runs.
    IocCenter.Simulators.Scenarios.ScenarioEpisode.WriteAll(truthOut, fleet.Plan.Episodes);
    Console.WriteLine($"Nhãn thật / Ground truth: {truthOut} ({fleet.Plan.Episodes.Count} episodes)");
}

while (!run.IsCompleted)
{
    await Task.WhenAny(run, progressTimer.WaitForNextTickAsync().AsTask());
    var p = fleet.Progress;
    var line = string.Create(CultureInfo.InvariantCulture, $"đã gửi/sent {p.Sent,10:N0}  tốc độ/rate {p.Rate,9:N0} msg/s  lỗi/errors {p.Errors,6:N0}  thiết bị/devices {p.DevicesConnected}");
    Console.Write(interactive ? "\r" + line : line + Environment.NewLine);
}

var final = await run;

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Xong / Done: {final.Sent:N0} readings in {final.Elapsed.TotalSeconds:N1} s ({final.Rate:N0} msg/s), {final.Errors:N0} publish errors (retried)"));
return 0;
