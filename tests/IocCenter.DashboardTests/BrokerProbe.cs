using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace IocCenter.DashboardTests;

/// <summary>
/// What the embedded-broker tests look at from outside the host: Debian's <c>mosquitto_pub</c> / <c>mosquitto_sub</c>
/// as clients, the telemetry store's rows, the host's memory and its Prometheus counters.
/// </summary>
internal static class BrokerProbe
{
    /// <summary>Runs a mosquitto client with <c>-d</c> (it prints the packets it sends and gets); kills it at the deadline.</summary>
    public static async Task<(int ExitCode, string Output)> MosquittoAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args.Prepend("-d"))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"{tool} not found: apt-get install mosquitto-clients (test.sh does)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Rows of these devices in the host's embedded telemetry store (readings and status).</summary>
    public static long StoredRows(DashboardProcess host, string devicePrefix, string? measurement = null)
    {
        var path = Path.Combine(host.DataPath, "telemetry", "telemetry.db");
        if (!File.Exists(path))
        {
            return 0;
        }

        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM points WHERE device LIKE $prefix || '%' AND ($measurement IS NULL OR measurement = $measurement)";
        command.Parameters.AddWithValue("$prefix", devicePrefix);
        command.Parameters.AddWithValue("$measurement", (object?)measurement ?? DBNull.Value);
        try
        {
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            return 0; // no table yet: nothing stored so far
        }
    }

    /// <summary>The host's resident memory (VmRSS), in bytes.</summary>
    public static long ResidentBytes(DashboardProcess host)
    {
        var line = File.ReadLines($"/proc/{host.ProcessId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>The sum of a counter's series at <c>/metrics</c> whose labels contain <paramref name="labels"/> (e.g. <c>reason="packet_too_large"</c>).</summary>
    /// <summary>
    /// Whether a counter reaches <paramref name="atLeast"/> within 5 s. The Prometheus endpoint can serve a cached scrape
    /// (the exporter's response cache, 300 ms by default as we read its documentation), so a test that refuses a few
    /// packets in less time than that after an earlier scrape may read the counter from before them — the likely cause
    /// of a clean-clone CI failure on 2026-12-04 (the 280 ms packet-limit test saw fewer than 4; not reproduced).
    /// </summary>
    public static async Task<bool> CounterReachesAsync(DashboardProcess host, string name, string labels, double atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            if (await CounterAsync(host, name, labels) >= atLeast)
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }
    }

    public static async Task<double> CounterAsync(DashboardProcess host, string name, string labels = "")
    {
        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        var text = await http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        return text.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains(labels, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }
}
