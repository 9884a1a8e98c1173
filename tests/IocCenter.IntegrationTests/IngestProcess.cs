using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace IocCenter.IntegrationTests;

/// <summary>
/// iocc-ingest from this build as its own process, configured on its command line as an operator would, read
/// through its own <c>/health</c> and <c>/metrics</c>; killed with SIGKILL when a test says so.
/// </summary>
internal sealed class IngestProcess : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;
    private readonly List<string> _output = [];

    private IngestProcess(Process process, Uri url)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
    }

    public bool Killed { get; private set; }

    /// <summary>What the process wrote (stdout and stderr), for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(40));
            }
        }
    }

    public static async Task<IngestProcess> StartAsync(ServicesFixture services, string database, string data, string clientId, params string[] settings)
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
            dll, "--urls", $"http://127.0.0.1:{port}", $"--Mqtt:Url={services.MqttUrl}", $"--Mqtt:ClientId={clientId}", "--Mqtt:SessionExpiry=00:10:00",
            $"--Influx:Url={services.InfluxUrl}", $"--Influx:Database={database}", $"--Ingest:DataPath={Path.Combine(data, "ingest")}",
            "--Analytics:Enabled=false", "--Logging:LogLevel:Default=Warning",
        }.Concat(settings))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + dll);
        var ingest = new IngestProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => ingest.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => ingest.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.WaitAsync(ingest.BrokerConnectedAsync, connected => connected, TimeSpan.FromSeconds(60), "ingest process subscribed");
        return ingest;
    }

    public void Kill()
    {
        _process.Kill(); // on Linux: SIGKILL
        _process.WaitForExit();
        Killed = true;
    }

    public async Task<long> PendingAsync() => (await HealthDataAsync()).GetProperty("journal_points_pending").GetInt64();

    /// <summary>The <c>ingest</c> check of <c>/health</c>: its status, description and data.</summary>
    public async Task<(string Status, string? Description, JsonElement Data)> HealthAsync()
    {
        using var response = await _http.GetAsync(new Uri("health", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var check = body.RootElement.GetProperty("checks").GetProperty("ingest");
        return (check.GetProperty("status").GetString()!, check.TryGetProperty("description", out var d) ? d.GetString() : null, check.GetProperty("data").Clone());
    }

    /// <summary>The sum of a Prometheus metric's samples at <c>/metrics</c> whose labels contain <paramref name="label"/> (all when null); 0 when absent.</summary>
    public async Task<double> MetricAsync(string name, string? label = null)
    {
        var text = await _http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        double sum = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal) || line.Length <= name.Length || line[name.Length] is not ('{' or ' '))
            {
                continue;
            }

            if (label is not null && !line.Contains(label, StringComparison.Ordinal))
            {
                continue;
            }

            // name{labels} value [timestamp]
            var afterLabels = line[name.Length] == '{' ? line[(line.IndexOf('}', StringComparison.Ordinal) + 1)..] : line[name.Length..];
            sum += double.Parse(afterLabels.Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }

        return sum;
    }

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

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 400)
            {
                _output.RemoveRange(0, 200);
            }
        }
    }

    private async Task<bool> BrokerConnectedAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"iocc-ingest exited with {_process.ExitCode}:\n{Output}");
        }

        try
        {
            return (await HealthDataAsync()).GetProperty("broker_connected").GetBoolean();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or KeyNotFoundException)
        {
            return false;
        }
    }

    private async Task<JsonElement> HealthDataAsync() => (await HealthAsync()).Data;
}
