using System.Collections.Concurrent;
using System.Text.Json;
using IocCenter.Analytics.Incidents;
using IocCenter.Mqtt;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.IntegrationTests;

/// <summary>Readings → real mosquitto → ingest → analytics → incident in the store and on <c>ioc/v1/incidents/…</c>.</summary>
public sealed class AnalyticsEndToEndTests(ServicesFixture services) : IClassFixture<ServicesFixture>, IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task JammedRoad_BecomesACongestionIncident_StoredAndPublished_AndAcknowledgementSurvivesARestart()
    {
        var published = new ConcurrentQueue<JsonElement>();
        using var watcher = new MqttClientFactory().CreateMqttClient();
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            if (!e.ApplicationMessage.Payload.IsEmpty)
            {
                published.Enqueue(JsonDocument.Parse(e.ApplicationMessage.Payload).RootElement.Clone());
            }

            return Task.CompletedTask;
        };
        await watcher.ConnectAsync(MqttConnection.Options(services.MqttUrl, "wall-watcher", null, null).Build());
        await watcher.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("ioc/v1/incidents/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        void Fast(IDictionary<string, string?> s)
        {
            s["Analytics:Rules:MinDuration"] = "00:00:02";
            s["Analytics:SilenceCheckInterval"] = "00:00:01";
        }

        long incidentId;
        using (var host = await IngestHost.StartAsync(services, "it_analytics", _folder.Path, "ingest-analytics", Fast, analytics: true))
        {
            await using var publisher = await Publisher.ConnectAsync(services.MqttUrl);
            var start = DateTimeOffset.UtcNow.AddMinutes(-2);
            for (var i = 0; i < 10; i++)
            {
                var ts = start.AddSeconds(i).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                await publisher.PublishAsync("ioc/v1/traffic/trf-29869-1/telemetry", $$"""{"ts":"{{ts}}","metrics":{"vehicle_count":4,"avg_speed_kmh":6.5,"occupancy_pct":85} }""");
            }

            var incidents = host.Services.GetRequiredService<IncidentService>();
            var incident = await Eventually.WaitAsync(
                () => Task.FromResult(incidents.Unresolved().FirstOrDefault(i => i.Kind == IncidentKind.Congestion)),
                i => i is not null, TimeSpan.FromSeconds(30), "congestion incident");
            incidentId = incident!.Id;
            Assert.Equal("trf-29869-1", incident.DeviceId);
            Assert.Equal(Severity.Major, incident.Severity);

            var message = await Eventually.WaitAsync(
                () => Task.FromResult(published.FirstOrDefault(p => p.GetProperty("incident").GetProperty("id").GetInt64() == incidentId)),
                m => m.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(30), "incident published on MQTT");
            Assert.Equal("congestion", message.GetProperty("incident").GetProperty("kind").GetString());
            Assert.Equal("opened", message.GetProperty("event").GetProperty("action").GetString());

            await incidents.AcknowledgeAsync(incidentId, "can-bo-truc-dem", "đã báo CSGT");
            await host.StopAsync();
        }

        // A restart brings the acknowledged incident back as it was.
        using var restarted = await IngestHost.StartAsync(services, "it_analytics", _folder.Path, "ingest-analytics", Fast, analytics: true);
        var back = restarted.Services.GetRequiredService<IncidentService>().Unresolved().Single(i => i.Id == incidentId);
        Assert.Equal((IncidentState.Acknowledged, "can-bo-truc-dem"), (back.State, back.AcknowledgedBy));
        Assert.Equal(["opened", "acknowledged"], restarted.Services.GetRequiredService<IncidentService>().AuditTrail(incidentId).Select(e => e.Action));
    }
}
