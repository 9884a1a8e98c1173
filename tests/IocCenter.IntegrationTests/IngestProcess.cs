using System.Text.Json;

namespace IocCenter.IntegrationTests;

/// <summary>
/// iocc-ingest from this build as its own process, configured on its command line as an operator would, read
/// through its own <c>/health</c> and <c>/metrics</c>; killed with SIGKILL when a test says so.
/// </summary>
internal sealed class IngestProcess : IDisposable
{
    private readonly HostProcess _host;

    private IngestProcess(HostProcess host) => _host = host;

    public bool Killed { get; private set; }

    /// <summary>What the process wrote (stdout and stderr), for a failing test's message.</summary>
    public string Output => _host.Output;

    public static async Task<IngestProcess> StartAsync(ServicesFixture services, string database, string data, string clientId, params string[] settings)
    {
        var host = HostProcess.Start(Path.Combine("ingest", "IocCenter.Ingest.Host"), "iocc-ingest.dll", data, new[]
        {
            $"--Mqtt:Url={services.MqttUrl}", $"--Mqtt:ClientId={clientId}", "--Mqtt:SessionExpiry=00:10:00",
            $"--Influx:Url={services.InfluxUrl}", $"--Influx:Database={database}", $"--Ingest:DataPath={Path.Combine(data, "ingest")}",
            "--Analytics:Enabled=false", "--Logging:LogLevel:Default=Warning",
        }.Concat(settings));
        var ingest = new IngestProcess(host);
        try
        {
            await host.WaitUntilAsync(async _ => (await ingest.HealthAsync()).Data.GetProperty("broker_connected").GetBoolean(), TimeSpan.FromSeconds(60), "subscribed");
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return ingest;
    }

    public void Kill()
    {
        _host.Kill();
        Killed = true;
    }

    public async Task<long> PendingAsync() => (await HealthAsync()).Data.GetProperty("journal_points_pending").GetInt64();

    /// <summary>The <c>ingest</c> check of <c>/health</c>: its status, description and data.</summary>
    public async Task<(string Status, string? Description, JsonElement Data)> HealthAsync()
    {
        using var response = await _host.Http.GetAsync(new Uri("health", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var check = body.RootElement.GetProperty("checks").GetProperty("ingest");
        return (check.GetProperty("status").GetString()!, check.TryGetProperty("description", out var d) ? d.GetString() : null, check.GetProperty("data").Clone());
    }

    /// <inheritdoc cref="HostProcess.MetricAsync"/>
    public Task<double> MetricAsync(string name, string? label = null) => _host.MetricAsync(name, label);

    public void Dispose() => _host.Dispose();
}
