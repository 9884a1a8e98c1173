using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using IocCenter.Simulators.Fleet;

namespace IocCenter.Bench;

/// <summary>
/// <c>iocc-bench --host ingest|analytics|dashboard --devices 50000 --rate 5000</c>: one part of the scaled-out stack as
/// its own process, as compose runs it, between Debian's mosquitto and influxd, with a fleet of <c>--devices</c>
/// publishing <c>--rate</c> readings a second in all. Prints that process's CPU and memory once every device has
/// reported several times: what a province of that size costs each part.
/// <list type="bullet">
/// <item><c>ingest</c>: <c>iocc-ingest</c> with the detectors off (compose's ingest instances);</item>
/// <item><c>ingest-detectors</c>: <c>iocc-ingest</c> with the detectors in it (its default on one machine);</item>
/// <item><c>analytics</c>: <c>iocc-analytics-host</c>, every device's detectors and the incident store;</item>
/// <item><c>dashboard</c>: <c>iocc</c> apart from ingest and analytics (readings from the broker); the analytics
/// host runs beside it for its incidents, and is not measured.</item>
/// </list>
/// </summary>
internal static class HostBenchmark
{
    private const string ApiKey = "bench-host-api-key-2026";
    private const string AnalyticsGen0Size = "0x200000";

    public static async Task<int> RunAsync(string part, double rate, int devices, TimeSpan duration, TimeSpan warmUp, TimeSpan? restartAfter = null)
    {
        var root = ScreensBenchmark.FindRoot();
        await using var services = await LocalServices.StartAsync();
        var data = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "iocc-bench-host-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var influx = $"--Influx:Url={services.InfluxUrl}";
        var mqtt = $"--Mqtt:Url={services.BrokerUrl}";
        var processes = new List<Process>();
        try
        {
            Process Start(string dll, int port, params string[] settings)
            {
                var path = Path.Combine(root, dll);
                var start = new ProcessStartInfo("dotnet") { WorkingDirectory = data, RedirectStandardOutput = true, RedirectStandardError = true };
                if (dll.EndsWith("iocc-analytics-host.dll", StringComparison.Ordinal) && Environment.GetEnvironmentVariable("DOTNET_GCgen0size") is null)
                {
                    // The analytics host as deployed (deploy/docker/analytics/Dockerfile): a 2 MB first generation.
                    start.Environment["DOTNET_GCgen0size"] = AnalyticsGen0Size;
                }

                foreach (var a in (string[])[path, "--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning", .. settings])
                {
                    start.ArgumentList.Add(a);
                }

                var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {path}");
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                processes.Add(process);
                return process;
            }

            const string ingestDll = "ingest/IocCenter.Ingest.Host/bin/Release/net10.0/iocc-ingest.dll";
            const string analyticsDll = "analytics/IocCenter.Analytics.Host/bin/Release/net10.0/iocc-analytics-host.dll";
            string[] analyticsSettings = [mqtt, influx, $"--Analytics:DatabasePath={data}/analytics/incidents.db", $"--Analytics:ApiKey={ApiKey}"];
            var (port, analyticsPort) = (ScreensBenchmark.FreePort(), ScreensBenchmark.FreePort());
            Process StartMeasured(bool restart = false) => part switch
            {
                "ingest" or "ingest-detectors" => Start(ingestDll, port, mqtt, influx, $"--Ingest:DataPath={data}/ingest", $"--Analytics:Enabled={part == "ingest-detectors"}", $"--Analytics:DatabasePath={data}/ingest/incidents.db"),
                "analytics" => Start(analyticsDll, port, analyticsSettings),
                "dashboard" => restart ? StartDashboardAlone() : StartDashboard(),
                _ => throw new ArgumentException($"--host {part}: ingest, ingest-detectors, analytics or dashboard", nameof(part)),
            };
            var measured = StartMeasured();

            Process StartDashboard()
            {
                Start(analyticsDll, analyticsPort, analyticsSettings);
                return StartDashboardAlone();
            }

            Process StartDashboardAlone() => Start(
                "dashboard/IocCenter.Dashboard/bin/Release/net10.0/iocc.dll", port, mqtt, influx, "--AllInOne:EmbeddedBroker=false", "--AllInOne:Simulators=false",
                "--AllInOne:Ingest=false", "--AllInOne:Analytics=false", $"--AllInOne:DataPath={data}/dashboard", $"--Analytics:Url=http://127.0.0.1:{analyticsPort}",
                $"--Analytics:ApiKey={ApiKey}", "--Dashboard:AdminPassword=bench-host-2026-secret");

            // Ready means subscribed (and, for the dashboard, its incidents in step): only then does the load start.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await WaitReadyAsync(http, new Uri($"http://127.0.0.1:{port}/health"), measured);

            var fleet = FleetPlan.Create(new FleetOptions { Traffic = devices * 2 / 5, Environment = devices / 5, Connectivity = devices - (devices * 2 / 5) - (devices / 5), Prefix = "bh" }, IocCenter.Geography.ProvincePack.Open());
            await using var publisher = new PipelinedPublisher(fleet, services.BrokerUrl.Host, services.BrokerUrl.Port, "iocc-bench-host", 2000);
            await publisher.ConnectAsync();
            var publishing = publisher.PublishAsync((long)(rate * (warmUp + duration).TotalSeconds), rate, CancellationToken.None);

            await Task.Delay(warmUp);
            var (cpuBefore, _) = ScreensBenchmark.Usage(measured.Id);
            var clock = Stopwatch.StartNew();
            long peakRss = 0, restartPeakRss = 0;
            double? restartReadySeconds = null;
            while (clock.Elapsed < duration)
            {
                await Task.Delay(1000);
                if (restartAfter is { } after && restartReadySeconds is null && clock.Elapsed >= after)
                {
                    // Stopped as a service manager stops it (SIGTERM: the detectors' state is saved), started again on the
                    // same data while the fleet keeps publishing: the start with a saved state. The first process's CPU
                    // counts up to its last reading before it exits (its shutdown, the state save, included).
                    var stopping = clock.Elapsed.TotalSeconds;
                    var cpuStopped = ScreensBenchmark.Usage(measured.Id).CpuSeconds;
                    using (var term = Process.Start("kill", ["-TERM", measured.Id.ToString(CultureInfo.InvariantCulture)]))
                    {
                        await term.WaitForExitAsync();
                    }

                    var stopped = Stopwatch.StartNew();
                    while (!measured.HasExited && stopped.Elapsed < TimeSpan.FromSeconds(120))
                    {
                        try
                        {
                            cpuStopped = ScreensBenchmark.Usage(measured.Id).CpuSeconds;
                        }
                        catch (Exception e) when (e is IOException or InvalidOperationException)
                        {
                            break; // gone between the check and the read
                        }

                        await Task.Delay(100);
                    }

                    await measured.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
                    cpuBefore -= cpuStopped; // the new process's CPU is added at the end
                    processes.Remove(measured);
                    var restarted = Stopwatch.StartNew();
                    measured = StartMeasured(restart: true);
                    using var answering = new CancellationTokenSource();
                    var sampling = SampleWhileStartingAsync(measured, answering.Token);
                    await WaitReadyAsync(http, new Uri($"http://127.0.0.1:{port}/health"), measured);
                    restartReadySeconds = restarted.Elapsed.TotalSeconds;
                    await answering.CancelAsync();
                    restartPeakRss = await sampling;
                    peakRss = Math.Max(peakRss, restartPeakRss);
                    Console.Error.WriteLine($"stopped at {stopping:F0} s (exited {stopped.Elapsed.TotalSeconds:F1} s later), ready again {restartReadySeconds:F1} s after the start");
                }

                var now = ScreensBenchmark.Usage(measured.Id).RssBytes;
                peakRss = Math.Max(peakRss, now);
                if (restartReadySeconds is not null)
                {
                    restartPeakRss = Math.Max(restartPeakRss, now);
                }
            }

            var (cpuAfter, rss) = ScreensBenchmark.Usage(measured.Id);
            var seconds = clock.Elapsed.TotalSeconds;
            await publishing;
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                host = part,
                devices,
                readingsPerSecond = rate,
                published = publisher.Acknowledged,
                measuredSeconds = Math.Round(seconds, 1),
                cpuCores = Math.Round((cpuAfter - cpuBefore) / seconds, 2),
                rssMb = Math.Round(rss / 1048576.0),
                peakRssMb = Math.Round(peakRss / 1048576.0),
                restartReadySeconds = restartReadySeconds is { } ready ? Math.Round(ready, 1) : (double?)null,
                restartPeakRssMb = restartReadySeconds is null ? (double?)null : Math.Round(restartPeakRss / 1048576.0),
                exited = processes.Any(p => p.HasExited),
            }));
            return processes.Any(p => p.HasExited) ? 1 : 0;
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }

                process.Dispose();
            }

            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>The peak RSS of a starting process, sampled every 100 ms until it is ready (<paramref name="ready"/>), at most 2 minutes.</summary>
    private static async Task<long> SampleWhileStartingAsync(Process process, CancellationToken ready)
    {
        long peak = 0;
        var clock = Stopwatch.StartNew();
        await Task.Yield();
        while (!process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                peak = Math.Max(peak, ScreensBenchmark.Usage(process.Id).RssBytes);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                break; // gone
            }

            if (ready.IsCancellationRequested)
            {
                break; // the main loop samples from here on
            }

            await Task.Delay(100, CancellationToken.None);
        }

        return peak;
    }

    private static async Task WaitReadyAsync(HttpClient http, Uri health, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync(health)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new InvalidOperationException($"{health} was not ready within 60 s" + (process.HasExited ? $" (the process exited with {process.ExitCode})" : ""));
    }
}
