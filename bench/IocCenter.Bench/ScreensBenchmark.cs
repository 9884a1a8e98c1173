using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using IocCenter.Simulators.Fleet;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace IocCenter.Bench;

/// <summary>
/// <c>iocc-bench --screens 200 --rate 10000</c>: the all-in-one host as a real process (its own broker, SQLite store,
/// analytics; no built-in fleet), N SignalR screens signed in with a kiosk link, and a steady stream of readings
/// published to its broker. Prints the publish → screen delays' percentiles and the server's CPU and memory.
/// <list type="bullet">
/// <item>Walls (the default) are sent device states, not values: while the readings flow, the benchmark turns
/// <c>--flips</c> devices a second offline or back online (a retained status, as devices do) and times each flip from
/// its publish to every screen's receipt.</item>
/// <item>With <c>--values true</c> the screens ask for every device's values once a second; each device update carries
/// its reading's timestamp (stamped at publish), so each receipt gives one delay.</item>
/// </list>
/// </summary>
internal static class ScreensBenchmark
{
    public static async Task<int> RunAsync(int screens, double rate, int devices, TimeSpan duration, TimeSpan warmUp, bool values, double flipsPerSecond, TimeSpan sampleEvery)
    {
        var root = FindRoot();
        var dll = Path.Combine(root, "dashboard", "IocCenter.Dashboard", "bin", "Release", "net10.0", "iocc.dll");
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"Build it first: dotnet build -c Release dashboard/IocCenter.Dashboard ({dll} is missing)");
            return 2;
        }

        var (web, broker) = (FreePort(), FreePort());
        var data = Path.Combine(Path.GetTempPath(), "iocc-bench-screens-" + Guid.NewGuid().ToString("N")[..8]);
        const string password = "bench-screens-2026-secret";
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Directory.CreateDirectory(data).FullName, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "--urls", $"http://127.0.0.1:{web}", $"--AllInOne:BrokerPort={broker}", "--AllInOne:BrokerAddress=127.0.0.1", "--AllInOne:Simulators=false", $"--AllInOne:DataPath={data}/data", $"--Dashboard:AdminPassword={password}", "--Logging:LogLevel:Default=Warning" })
        {
            start.ArgumentList.Add(a);
        }

        using var server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var baseUrl = new Uri($"http://127.0.0.1:{web}/");
        try
        {
            await WaitAliveAsync(baseUrl);
            var token = await KioskTokenAsync(baseUrl, password);

            // The screens.
            var delays = new List<double>(1 << 22);
            var measuring = false;
            long deltas = 0, snapshots = 0, deltaChars = 0;
            var flips = new System.Collections.Concurrent.ConcurrentDictionary<string, (bool Online, long AtMs)>(StringComparer.Ordinal);
            var connections = new List<HubConnection>();
            for (var i = 0; i < screens; i++)
            {
                var connection = new HubConnectionBuilder()
                    .WithUrl(new Uri(baseUrl, "hubs/ioc?access_token=" + token), o => { o.Transports = HttpTransportType.WebSockets; o.SkipNegotiation = true; })
                    .Build();
                var shown = new Dictionary<string, bool>(StringComparer.Ordinal); // what this screen shows: online or not
                connection.On<JsonElement>("snapshot", snapshot =>
                {
                    Interlocked.Increment(ref snapshots);
                    foreach (var device in snapshot.GetProperty("devices").EnumerateArray())
                    {
                        shown[device.GetProperty("id").GetString()!] = device.GetProperty("online").GetBoolean();
                    }
                });
                connection.On<JsonElement>("delta", delta =>
                {
                    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    Interlocked.Increment(ref deltas);
                    Interlocked.Add(ref deltaChars, delta.GetRawText().Length);
                    var batch = new List<double>();
                    foreach (var device in delta.GetProperty("devices").EnumerateArray().Concat(delta.GetProperty("changes").EnumerateArray()))
                    {
                        if (values)
                        {
                            if (device.TryGetProperty("ts", out var ts) && ts.ValueKind == JsonValueKind.Number)
                            {
                                batch.Add(now - ts.GetInt64());
                            }

                            continue;
                        }

                        // A wall: time the flips it is shown (a device's state can change for other reasons too).
                        var id = device.GetProperty("id").GetString()!;
                        var online = device.GetProperty("online").GetBoolean();
                        if (shown.TryGetValue(id, out var before) && before != online && flips.TryGetValue(id, out var flip) && flip.Online == online)
                        {
                            batch.Add(now - flip.AtMs);
                        }

                        shown[id] = online;
                    }

                    if (Volatile.Read(ref measuring))
                    {
                        lock (delays)
                        {
                            delays.AddRange(batch);
                        }
                    }
                });
                await connection.StartAsync();
                if (values)
                {
                    await connection.InvokeAsync("Watch", null, null, true);
                }

                connections.Add(connection);
            }

            // The readings: a fleet of `devices` publishing `rate` readings a second in all, through the broker.
            var fleet = FleetPlan.Create(new FleetOptions { Traffic = devices * 2 / 5, Environment = devices / 5, Connectivity = devices - (devices * 2 / 5) - (devices / 5), Prefix = "bs" }, IocCenter.Geography.ProvincePack.Open());
            await using var publisher = new PipelinedPublisher(fleet, "127.0.0.1", broker, "bench-screens", 2000);
            await publisher.ConnectAsync();
            using var stop = new CancellationTokenSource();
            var total = (long)(rate * (warmUp + duration).TotalSeconds);
            var publishing = publisher.PublishAsync(total, rate, stop.Token);
            var flipping = values || flipsPerSecond <= 0 ? Task.CompletedTask : FlipAsync(fleet, broker, flipsPerSecond, flips, stop.Token);

            await Task.Delay(warmUp);
            var (cpuBefore, _) = Usage(server.Id);
            var ownBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            Volatile.Write(ref measuring, true);
            long peakRss = 0;
            var samples = new List<object>();
            using var metrics = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(10) };
            var window = (Delays: 0, Gc: await GcAsync(metrics), Cpu: cpuBefore, At: clock.Elapsed);
            while (clock.Elapsed < duration)
            {
                await Task.Delay(1000);
                peakRss = Math.Max(peakRss, Usage(server.Id).RssBytes);
                if (sampleEvery > TimeSpan.Zero && clock.Elapsed - window.At >= sampleEvery)
                {
                    // Soak: one line per window, to see memory, handles and GC pauses stay flat over the run.
                    double[] recent;
                    lock (delays)
                    {
                        recent = [.. delays.Skip(window.Delays).Order()];
                        window.Delays = delays.Count;
                    }

                    var gc = await GcAsync(metrics);
                    var (cpu, rssNow) = Usage(server.Id);
                    var windowSeconds = (clock.Elapsed - window.At).TotalSeconds;
                    var sample = new
                    {
                        minute = Math.Round(clock.Elapsed.TotalMinutes, 1),
                        rssMb = Math.Round(rssNow / 1048576.0),
                        heapMb = Math.Round(gc.HeapBytes / 1048576.0, 1),
                        handles = Directory.GetFileSystemEntries($"/proc/{server.Id}/fd").Length,
                        threads = Threads(server.Id),
                        gcCollections = gc.Collections - window.Gc.Collections,
                        gcPauseMsPerMinute = Math.Round((gc.PauseSeconds - window.Gc.PauseSeconds) * 1000 * 60 / windowSeconds, 1),
                        gcPauseMsAverage = gc.Collections == window.Gc.Collections ? 0 : Math.Round((gc.PauseSeconds - window.Gc.PauseSeconds) * 1000 / (gc.Collections - window.Gc.Collections), 2),
                        serverCpuCores = Math.Round((cpu - window.Cpu) / windowSeconds, 2),
                        p99Ms = recent.Length == 0 ? double.NaN : recent[Math.Clamp((int)Math.Ceiling(0.99 * recent.Length) - 1, 0, recent.Length - 1)],
                    };
                    samples.Add(sample);
                    Console.Error.WriteLine(JsonSerializer.Serialize(sample));
                    window = (window.Delays, gc, cpu, clock.Elapsed);
                }
            }

            Volatile.Write(ref measuring, false);
            var (cpuAfter, rss) = Usage(server.Id);
            var seconds = clock.Elapsed.TotalSeconds;
            var own = (Process.GetCurrentProcess().TotalProcessorTime - ownBefore).TotalSeconds;
            await publishing;
            await stop.CancelAsync();
            await flipping;

            double[] sorted;
            lock (delays)
            {
                sorted = [.. delays.Order()];
            }

            double P(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
            var result = new
            {
                screens,
                devices,
                readingsPerSecond = rate,
                measuredSeconds = Math.Round(seconds, 1),
                delaysMeasured = sorted.Length,
                mode = values ? "values: every device's values once a second" : $"walls: device states; {flipsPerSecond} status flips a second timed",
                deltas,
                averageDeltaChars = deltas == 0 ? 0 : deltaChars / deltas,
                snapshots,
                publishToScreenMs = new { p50 = P(0.5), p90 = P(0.9), p99 = P(0.99), max = sorted.Length == 0 ? double.NaN : sorted[^1] },
                serverCpuCores = Math.Round((cpuAfter - cpuBefore) / seconds, 2),
                serverRssMb = Math.Round(rss / 1048576.0),
                serverPeakRssMb = Math.Round(peakRss / 1048576.0),
                benchCpuCores = Math.Round(own / seconds, 2), // the publisher and the screens, on the same machine
                samples,
            };
            Console.WriteLine(JsonSerializer.Serialize(result));
            foreach (var c in connections)
            {
                await c.DisposeAsync();
            }

            return 0;
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>
    /// Turns devices offline and back online, <paramref name="perSecond"/> status messages a second round-robin over
    /// the fleet (retained, QoS1, as devices publish them), noting when each was published.
    /// </summary>
    private static async Task FlipAsync(IReadOnlyList<SimulatedDevice> fleet, int broker, double perSecond, System.Collections.Concurrent.ConcurrentDictionary<string, (bool Online, long AtMs)> flips, CancellationToken stop)
    {
        using var client = new MQTTnet.MqttClientFactory().CreateMqttClient();
        var options = new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker).WithClientId("bench-flips").WithTimeout(TimeSpan.FromSeconds(30)).Build();
        await client.ConnectAsync(options, stop);
        var clock = Stopwatch.StartNew();
        try
        {
            for (long i = 0; !stop.IsCancellationRequested; i++)
            {
                var wait = TimeSpan.FromSeconds(i / perSecond) - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, stop);
                }

                var device = fleet[(int)(i % fleet.Count)];
                var online = (i / fleet.Count) % 2 == 1; // first round offline, the next back online, …
                flips[device.Record.Id] = (online, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                try
                {
                    if (!client.IsConnected)
                    {
                        await client.ConnectAsync(options, stop);
                    }

                    await client.PublishAsync(
                        new MQTTnet.MqttApplicationMessageBuilder().WithTopic(device.StatusTopic).WithPayload(online ? "online" : "offline")
                            .WithRetainFlag(true).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                        stop);
                }
                catch (MQTTnet.Exceptions.MqttCommunicationException) when (stop.IsCancellationRequested)
                {
                    break; // the run is over
                }
                catch (MQTTnet.Exceptions.MqttCommunicationException e)
                {
                    // The broker did not acknowledge in time: the flip may still arrive (and be timed); say so and go on.
                    Console.Error.WriteLine($"status flip {i}: {e.Message}");
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Done.
        }
    }

    /// <summary>The server's own GC figures from its <c>/metrics</c> (the runtime meter): collections, total pause time, heap after the last GC.</summary>
    private static async Task<(double Collections, double PauseSeconds, double HeapBytes)> GcAsync(HttpClient metrics)
    {
        var text = await metrics.GetStringAsync(new Uri("metrics", UriKind.Relative));
        double Sum(string name) => text.Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && l.Length > name.Length && l[name.Length] is '{' or ' ')
            .Sum(l => double.Parse((l[name.Length] == '{' ? l[(l.IndexOf('}', StringComparison.Ordinal) + 1)..] : l[name.Length..]).Trim().Split(' ')[0], CultureInfo.InvariantCulture));
        return (Sum("dotnet_gc_collections_total"), Sum("dotnet_gc_pause_time_seconds_total"), Sum("dotnet_gc_last_collection_heap_size_bytes"));
    }

    private static int Threads(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))[8..].Trim(), CultureInfo.InvariantCulture);

    /// <summary>CPU seconds (user + system) and resident memory of a process, from /proc.</summary>
    internal static (double CpuSeconds, long RssBytes) Usage(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        var rss = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return (ticks / 100.0, long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024);
    }

    private static async Task<string> KioskTokenAsync(Uri baseUrl, string password)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = baseUrl };
        var page = await client.GetStringAsync("login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["userName"] = "admin", ["password"] = password });
        using var login = await client.PostAsync("login", form);
        if (login.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException("admin login failed: " + login.StatusCode);
        }

        using var csrf = JsonDocument.Parse(await client.GetStringAsync("api/antiforgery"));
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", csrf.RootElement.GetProperty("token").GetString());
        using var created = await client.PostAsync("api/kiosk-tokens", new StringContent("{\"name\":\"bench\"}", System.Text.Encoding.UTF8, "application/json"));
        created.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("secret").GetString()!;
    }

    private static async Task WaitAliveAsync(Uri baseUrl)
    {
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 150; i++)
        {
            try
            {
                if ((await http.GetAsync("alive")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the all-in-one host did not answer /alive");
    }

    internal static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IocCenter.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
