using System.Diagnostics;
using System.Text;

namespace IocCenter.IntegrationTests;

/// <summary>
/// The deployment as an operator runs it: <c>deploy/stack/up.sh</c> builds the images (self-contained builds on
/// debian:bookworm-slim) and starts the compose stack, <c>smoke.sh</c> checks it through its published ports,
/// <c>down.sh -v</c> removes it. Its own compose project and free ports, so it leaves nothing else running.
/// </summary>
public sealed class DeploymentTests
{
    [Fact]
    public async Task TheComposeStackComesUpFromItsScript_AndPassesItsSmokeTest()
    {
        var stack = Path.Combine(Root(), "deploy", "stack");
        var environment = new Dictionary<string, string>
        {
            ["IOCC_PROJECT"] = "iocc-test-" + Guid.NewGuid().ToString("N")[..6],
            ["IOCC_WEB_PORT"] = Port(),
            ["IOCC_MQTT_PORT"] = Port(),
            ["IOCC_INFLUX_PORT"] = Port(),
            ["IOCC_INGEST_PORT_1"] = Port(),
            ["IOCC_INGEST_PORT_2"] = Port(),
            ["IOCC_INGEST_PORT_3"] = Port(),
        };
        try
        {
            var up = await RunAsync(Path.Combine(stack, "up.sh"), environment, TimeSpan.FromMinutes(12));
            Assert.True(up.ExitCode == 0, "up.sh failed:\n" + up.Output);

            var smoke = await RunAsync(Path.Combine(stack, "smoke.sh"), environment, TimeSpan.FromMinutes(5));
            Assert.True(smoke.ExitCode == 0, "smoke.sh failed:\n" + smoke.Output);
            Assert.Contains("smoke: PASS", smoke.Output, StringComparison.Ordinal);
            Assert.Contains("20000 readings published, 20000 stored", smoke.Output, StringComparison.Ordinal);
        }
        finally
        {
            await RunAsync(Path.Combine(stack, "down.sh"), environment, TimeSpan.FromMinutes(3), "-v");
        }
    }

    private static string Port() => TestFleet.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "IocCenter.sln")))
        {
            dir = dir.Parent ?? throw new InvalidOperationException("IocCenter.sln not found above " + AppContext.BaseDirectory);
        }

        return dir.FullName;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string script, Dictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + script);
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            lock (output)
            {
                return (-1, $"{script} still running after {timeout}:\n{output}");
            }
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
