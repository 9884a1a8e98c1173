using System.Net;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using IocCenter.Storage.Influx;

namespace IocCenter.IntegrationTests;

/// <summary>
/// Real mosquitto and real influxd in containers, from the images deploy/prepare-docker.sh builds
/// (Debian's packages on debian:bookworm-slim). The README's test command builds them first.
/// Each is published on a fixed free host port, so a test can stop and start one and find it where it was.
/// </summary>
public sealed class ServicesFixture : IAsyncLifetime
{
    public static readonly string MosquittoImage = Environment.GetEnvironmentVariable("IOCC_MOSQUITTO_IMAGE") ?? "iocc-mosquitto:latest";
    public static readonly string InfluxImage = Environment.GetEnvironmentVariable("IOCC_INFLUXDB_IMAGE") ?? "iocc-influxdb:latest";

    public IContainer Mosquitto { get; } = new ContainerBuilder(MosquittoImage)
        .WithPortBinding(TestFleet.FreePort(), 1883)
        .WithWaitStrategy(Wait.ForUnixContainer().UntilInternalTcpPortIsAvailable(1883))
        .Build();

    public IContainer Influx { get; } = new ContainerBuilder(InfluxImage)
        .WithPortBinding(TestFleet.FreePort(), 8086)
        .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPath("/ping").ForPort(8086).ForStatusCode(HttpStatusCode.NoContent)))
        .Build();

    public Uri MqttUrl => new($"mqtt://{Mosquitto.Hostname}:{Mosquitto.GetMappedPublicPort(1883)}");

    public Uri InfluxUrl => new($"http://{Influx.Hostname}:{Influx.GetMappedPublicPort(8086)}/");

    public InfluxHttpClient InfluxClient(string database) =>
        new(new HttpClient(), new InfluxOptions { Url = InfluxUrl, Database = database, Gzip = false });

    public async Task InitializeAsync()
    {
        try
        {
            await Task.WhenAll(Mosquitto.StartAsync(), Influx.StartAsync());
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"Could not start {MosquittoImage} / {InfluxImage}. Run ./test.sh (it prepares Docker and builds the images with deploy/prepare-docker.sh). {e.Message}", e);
        }
    }

    public async Task DisposeAsync()
    {
        await Mosquitto.DisposeAsync();
        await Influx.DisposeAsync();
    }
}
