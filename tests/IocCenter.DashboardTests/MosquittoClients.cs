using System.Diagnostics;

namespace IocCenter.DashboardTests;

/// <summary>Debian's <c>mosquitto_pub</c> and <c>mosquitto_sub</c> as the devices and the intruders: real clients, not ours.</summary>
internal static class MosquittoClients
{
    /// <summary>One QoS1 publish (retained if asked) as client <paramref name="clientId"/>.</summary>
    public static Task PublishAsync(int port, string clientId, string topic, string payload, bool retain = false) =>
        RunAsync("mosquitto_pub", ["-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", clientId, "-q", "1", .. retain ? (string[])["-r"] : [], "-t", topic, "-m", payload]);

    private static async Task RunAsync(string program, string[] args)
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
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {await error}");
        }
    }
}
