using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace IocCenter.Bench;

/// <summary>mosquitto and influxd from Debian's packages, started on loopback with throw-away data, stopped at the end.</summary>
internal sealed class LocalServices : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "iocc-bench-" + Guid.NewGuid().ToString("N")[..8]);
    private static readonly string[] BinaryFolders = ["/usr/sbin/", "/usr/bin/"];

    private readonly List<Process> _processes = [];

    public Uri BrokerUrl { get; private set; } = null!;

    public Uri InfluxUrl { get; private set; } = null!;

    public static async Task<LocalServices> StartAsync()
    {
        var services = new LocalServices();
        Directory.CreateDirectory(services._root);
        var mqttPort = FreePort();
        var influxPort = FreePort();
        var mosquittoConf = Path.Combine(services._root, "mosquitto.conf");
        await File.WriteAllTextAsync(mosquittoConf, string.Create(CultureInfo.InvariantCulture, $"""
            listener {mqttPort} 127.0.0.1
            allow_anonymous true
            persistence false
            max_inflight_messages 0
            max_queued_messages 0
            max_queued_bytes 0
            log_type error
            """));
        var influxConf = Path.Combine(services._root, "influxdb.conf");
        await File.WriteAllTextAsync(influxConf, string.Create(CultureInfo.InvariantCulture, $"""
            reporting-enabled = false
            bind-address = "127.0.0.1:{FreePort()}"
            [meta]
              dir = "{services._root}/influx/meta"
            [data]
              dir = "{services._root}/influx/data"
              wal-dir = "{services._root}/influx/wal"
              query-log-enabled = false
            [monitor]
              store-enabled = false
            [http]
              bind-address = "127.0.0.1:{influxPort}"
              log-enabled = false
            [continuous_queries]
              enabled = false
            """));
        services.Start("mosquitto", $"-c {mosquittoConf}");
        services.Start("influxd", $"-config {influxConf}");
        services.BrokerUrl = new Uri($"mqtt://127.0.0.1:{mqttPort}");
        services.InfluxUrl = new Uri($"http://127.0.0.1:{influxPort}/");
        await WaitForPortAsync(mqttPort);
        await WaitForPortAsync(influxPort);
        return services;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }

    private void Start(string program, string arguments)
    {
        var path = BinaryFolders.Select(d => d + program).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{program} is not installed: apt-get install -y mosquitto influxdb (or pass --broker and --influx).");
        var process = Process.Start(new ProcessStartInfo(path, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
