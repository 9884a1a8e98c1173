using System.Diagnostics;

namespace IocCenter.DashboardTests;

/// <summary>Debian's <c>mosquitto_pub</c> and <c>mosquitto_sub</c> as the devices and the intruders: real clients, not ours.</summary>
internal static class MosquittoClients
{
    /// <summary>One QoS1 publish (retained if asked) as client <paramref name="clientId"/>.</summary>
    public static Task PublishAsync(int port, string clientId, string topic, string payload, bool retain = false) =>
        RunAsync("mosquitto_pub", ["-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", clientId, "-q", "1", .. retain ? (string[])["-r"] : [], "-t", topic, "-m", payload]);

    /// <summary>
    /// Connects with <paramref name="clientId"/> and a clean session, and leaves: the client of that id (ingest) is
    /// taken over and its session discarded, so it connects and subscribes anew — and the broker sends every retained message again.
    /// </summary>
    public static Task TakeOverAsync(int port, string clientId) =>
        RunAsync("mosquitto_sub", ["-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", clientId, "-t", "iocc-test/nothing", "-W", "1"], allowTimeout: true);

    private static async Task RunAsync(string program, string[] args, bool allowTimeout = false)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + program);
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        // mosquitto_sub -W exits with 27 when its time is up: that is the point of a take-over.
        if (process.ExitCode != 0 && !(allowTimeout && process.ExitCode == 27))
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {await error}");
        }
    }
}
