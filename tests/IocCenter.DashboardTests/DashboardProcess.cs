using System.Diagnostics;
using System.Net;

namespace IocCenter.DashboardTests;

/// <summary>
/// The all-in-one host as a real process (Kestrel, the embedded broker, a small simulated fleet), from the
/// dashboard's own build output, on free ports and a temporary data folder. Can be stopped and started again on
/// the same ports and data (a server going away under the screens).
/// </summary>
/// <param name="fleetFromPack">
/// Leave the fleet's size to the host (<c>AllInOne:DevicesPerArea</c>: one device of each domain per commune of the
/// province pack) instead of the small fixed fleet.
/// </param>
public sealed class DashboardProcess(bool fleetFromPack = false) : IAsyncLifetime
{
    public const int Traffic = 6, Environment = 3, Connectivity = 6;
    public const string AdminPassword = "browser-tests-Huế-2026";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "iocc-dash-" + Guid.NewGuid().ToString("N")[..8]);
    private Process? _process;

    private readonly Queue<string> _output = new();

    public int WebPort { get; } = TestSupport.FreePort();

    /// <summary>The last lines the host wrote (stdout and stderr), for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public int BrokerPort { get; } = TestSupport.FreePort();

    public Uri BaseUrl => new($"http://127.0.0.1:{WebPort}/");

    /// <summary>The host's process id while it runs (0 otherwise), to read its memory from <c>/proc</c>.</summary>
    public int ProcessId => _process is { HasExited: false } process ? process.Id : 0;

    /// <summary>The host's <c>AllInOne:DataPath</c>: the telemetry store is <c>telemetry/telemetry.db</c> under it.</summary>
    public string DataPath => Path.Combine(_data, "data");

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IocCenter.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("IocCenter.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The all-in-one host's build output, of the same configuration as the tests.</summary>
    public static string HostDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/{Configuration}/net10.0
            return Path.Combine(RepositoryRoot, "dashboard", "IocCenter.Dashboard", "bin", configuration, "net10.0", "iocc.dll");
        }
    }

    /// <summary>Where tests leave screenshots: artifacts/screenshots under the repository.</summary>
    public static string Artifacts => Directory.CreateDirectory(Path.Combine(RepositoryRoot, "artifacts", "screenshots")).FullName;

    public async Task InitializeAsync() => await StartAsync();

    public Task StartAsync() => StartAsync([]);

    /// <summary>Starts the host; <paramref name="settings"/> are extra command-line settings (<c>--Section:Key=value</c>).</summary>
    public async Task StartAsync(params string[] settings)
    {
        var dll = HostDll;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Directory.CreateDirectory(_data).FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            dll, "--urls", $"http://127.0.0.1:{WebPort}",
            $"--AllInOne:BrokerPort={BrokerPort}", "--AllInOne:BrokerAddress=127.0.0.1", $"--AllInOne:DataPath={Path.Combine(_data, "data")}",
            "--Simulator:Interval=00:00:02", "--Simulator:Prefix=bt", "--Analytics:MlEnabled=false", $"--Dashboard:AdminPassword={AdminPassword}",
        }.Concat(fleetFromPack ? [] : [$"--Simulator:Traffic={Traffic}", $"--Simulator:Environment={Environment}", $"--Simulator:Connectivity={Connectivity}"]).Concat(settings))
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + dll);

        // A host outlives its test when the test class never gets to DisposeAsync (xunit skips it when InitializeAsync
        // throws after the host started, e.g. no Chromium): nine such hosts with their fleets once loaded a whole
        // test run. It goes with the test process, whatever happens.
        var started = _process;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                if (!started.HasExited)
                {
                    started.Kill(entireProcessTree: true);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // already gone
            }
        };
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var process = _process;
        await IntegrationTests.Eventually.WaitAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{dll} exited with {process.ExitCode}:\n{Output}");
                }

                try
                {
                    return (await http.GetAsync(new Uri("alive", UriKind.Relative))).StatusCode == HttpStatusCode.OK;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false; // not listening or not answering yet
                }
            },
            alive => alive,
            TimeSpan.FromSeconds(30),
            dll + " answering /alive");
    }

    /// <summary>Signs the admin in over HTTP (the login form and its anti-forgery token): a client for the API.</summary>
    public async Task<HttpClient> AdminAsync()
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = BaseUrl };
        await TestSupport.LoginAsync(client, "admin", AdminPassword);
        var csrf = await client.GetStringAsync("api/antiforgery");
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", System.Text.Json.JsonDocument.Parse(csrf).RootElement.GetProperty("token").GetString());
        return client;
    }

    /// <summary>A new kiosk link for a wall, made by the admin through the API.</summary>
    public async Task<string> KioskLinkAsync(string name = "test wall")
    {
        using var admin = await AdminAsync();
        var response = await admin.PostAsync("api/kiosk-tokens", new StringContent($$"""{"name":"{{name}}"}""", System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("link").GetString()!;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > 60)
            {
                _output.Dequeue();
            }
        }
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
