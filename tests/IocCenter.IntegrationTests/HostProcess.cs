using System.Diagnostics;
using System.Globalization;

namespace IocCenter.IntegrationTests;

/// <summary>
/// One of IocCenter's hosts from this build (iocc-ingest, iocc-analytics-host, iocc) as its own process on a free
/// port, configured on its command line as an operator would; its output kept for a failing test's message.
/// Not project references on purpose: a host's appsettings.json would land beside these tests and become another
/// host's settings. The solution build (the README's test command) builds them.
/// </summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private HostProcess(Process process, string name, Uri url)
    {
        _process = process;
        Name = name;
        Url = url;
        Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
    }

    public string Name { get; }

    public Uri Url { get; }

    /// <summary>A client for the host's own endpoints (<c>/health</c>, <c>/metrics</c>, ...).</summary>
    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote (stdout and stderr), its last lines.</summary>
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

    /// <summary>Starts <paramref name="project"/>'s <paramref name="dll"/> (paths from the repository root) with <c>--urls</c> on a free port and <paramref name="settings"/>.</summary>
    public static HostProcess Start(string project, string dll, string workingDirectory, IEnumerable<string> settings)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "IocCenter.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("IocCenter.sln not found above " + AppContext.BaseDirectory);
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/{Configuration}/net10.0
        var path = Path.Combine(root.FullName, project, "bin", configuration, "net10.0", dll);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: build the solution (dotnet build IocCenter.sln -c {configuration})");
        }

        var port = TestFleet.FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Directory.CreateDirectory(workingDirectory).FullName, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { path, "--urls", $"http://127.0.0.1:{port}" }.Concat(settings))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + path);
        var host = new HostProcess(process, Path.GetFileNameWithoutExtension(dll), new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until <paramref name="ready"/> holds; fails at once, with the output, if the process exits.</summary>
    public async Task WaitUntilAsync(Func<HostProcess, Task<bool>> ready, TimeSpan timeout, string what) =>
        await Eventually.WaitAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{Output}");
                }

                try
                {
                    return await ready(this);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or KeyNotFoundException)
                {
                    return false; // not listening or not ready yet
                }
            },
            ok => ok,
            timeout,
            $"{Name}: {what}");

    /// <summary>SIGKILL (on Linux), no graceful stop.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>The sum of a Prometheus metric's samples at <c>/metrics</c> whose labels contain <paramref name="label"/> (all when null); 0 when absent.</summary>
    public async Task<double> MetricAsync(string name, string? label = null)
    {
        var text = await Http.GetStringAsync(new Uri("metrics", UriKind.Relative));
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
        Http.Dispose();
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
}
