using System.Diagnostics;
using System.Text.Json;
using IocCenter.Simulators.Fleet;

namespace IocCenter.IntegrationTests;

/// <summary>
/// The ingest service as its own process (<c>iocc-ingest</c>) between a real mosquitto and a real InfluxDB, killed with
/// SIGKILL mid-stream — no shutdown code runs — and started again on the same data folder and client id.
/// </summary>
public sealed class IngestKilledTests(ServicesFixture services) : IClassFixture<ServicesFixture>, IDisposable
{
    private const int Readings = 20_000;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private readonly TempFolder _folder = new();
    private readonly string _database = "it_" + Guid.NewGuid().ToString("N")[..12];

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task IngestKilledWithSigkillMidStream_AndStartedAgain_StoresExactlyWhatWasPublished_WithoutDuplicates()
    {
        var influx = services.InfluxClient(_database);
        using var first = await IngestProcess.StartAsync(services, _database, _folder.Path);
        await using var fleet = new FleetRunner(TestFleet.Flood(services.MqttUrl, "kill", Readings));
        var run = fleet.RunAsync(CancellationToken.None);

        await Eventually.WaitAsync(() => Task.FromResult(fleet.Progress.Sent), n => n >= Readings / 4, Deadline, "first quarter sent");
        first.Kill(); // SIGKILL: deliveries in flight are unacknowledged, the journal's tail may be torn
        var storedWhenKilled = await influx.TelemetryCountAsync();
        await Eventually.WaitAsync(() => Task.FromResult(fleet.Progress.Sent), n => n >= Readings / 2, Deadline, "half sent while ingest is dead");

        using var second = await IngestProcess.StartAsync(services, _database, _folder.Path);
        Assert.Equal(Readings, (await run).Sent);
        await Eventually.WaitAsync(influx.TelemetryCountAsync, n => n >= Readings, Deadline, "points stored");
        await Eventually.WaitAsync(second.PendingAsync, n => n == 0, Deadline, "journal drained");
        Assert.Equal(Readings, await influx.TelemetryCountAsync());
        Assert.True(first.Killed);
        Assert.InRange(storedWhenKilled, 0, Readings / 2); // it really was mid-stream: most came after the kill
    }

    /// <summary>iocc-ingest from this build, configured on its command line as an operator would.</summary>
    private sealed class IngestProcess : IDisposable
    {
        private readonly Process _process;
        private readonly HttpClient _http;

        private IngestProcess(Process process, Uri url)
        {
            _process = process;
            _http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        }

        public bool Killed { get; private set; }

        public static async Task<IngestProcess> StartAsync(ServicesFixture services, string database, string data)
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(root.FullName, "IocCenter.sln")))
            {
                root = root.Parent ?? throw new InvalidOperationException("IocCenter.sln not found above " + AppContext.BaseDirectory);
            }

            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/{Configuration}/net10.0
            var dll = Path.Combine(root.FullName, "ingest", "IocCenter.Ingest.Host", "bin", configuration, "net10.0", "iocc-ingest.dll");
            if (!File.Exists(dll))
            {
                // Not a project reference on purpose: its appsettings.json would land beside these tests and become
                // the all-in-one host's settings. The solution build (the README's test command) builds it.
                throw new InvalidOperationException($"{dll} is missing: build the solution (dotnet build IocCenter.sln -c {configuration})");
            }

            var port = TestFleet.FreePort();
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Directory.CreateDirectory(data).FullName, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[]
            {
                dll, "--urls", $"http://127.0.0.1:{port}", $"--Mqtt:Url={services.MqttUrl}", "--Mqtt:ClientId=ingest-killed", "--Mqtt:SessionExpiry=00:10:00",
                $"--Influx:Url={services.InfluxUrl}", $"--Influx:Database={database}", $"--Ingest:DataPath={Path.Combine(data, "ingest")}",
                "--Analytics:Enabled=false", "--Logging:LogLevel:Default=Warning",
            })
            {
                start.ArgumentList.Add(arg);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + dll);
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var ingest = new IngestProcess(process, new Uri($"http://127.0.0.1:{port}/"));
            await Eventually.WaitAsync(ingest.BrokerConnectedAsync, connected => connected, TimeSpan.FromSeconds(60), "ingest process subscribed");
            return ingest;
        }

        public void Kill()
        {
            _process.Kill(); // on Linux: SIGKILL
            _process.WaitForExit();
            Killed = true;
        }

        public async Task<long> PendingAsync() => (await HealthAsync()).GetProperty("journal_points_pending").GetInt64();

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }

            _process.Dispose();
            _http.Dispose();
        }

        private async Task<bool> BrokerConnectedAsync()
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("iocc-ingest exited with " + _process.ExitCode);
            }

            try
            {
                return (await HealthAsync()).GetProperty("broker_connected").GetBoolean();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or KeyNotFoundException)
            {
                return false;
            }
        }

        private async Task<JsonElement> HealthAsync()
        {
            using var response = await _http.GetAsync(new Uri("health", UriKind.Relative));
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.GetProperty("checks").GetProperty("ingest").GetProperty("data").Clone();
        }
    }
}
