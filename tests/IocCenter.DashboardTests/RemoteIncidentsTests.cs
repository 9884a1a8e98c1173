using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using IocCenter.Analytics.Incidents;
using IocCenter.Analytics.Live;
using IocCenter.Dashboard.Live;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace IocCenter.DashboardTests;

/// <summary>
/// A dashboard apart from analytics: how it keeps the unresolved set in step with the writer (its HTTP API answered
/// here by a stand-in handler) and with the changes on the broker (handed to it as the broker's payloads).
/// The whole path against the real analytics host, broker and Redis is in IntegrationTests' DashboardScaleOutTests.
/// </summary>
public sealed class RemoteIncidentsTests : IDisposable
{
    private const string Key = "unit-test-key";
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-23T02:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly Writer _writer = new();
    private readonly RemoteIncidents _remote;

    public RemoteIncidentsTests() => _remote = Create(new Dictionary<string, string?> { ["Analytics:Url"] = "http://analytics.test:8080", [IncidentApi.KeySetting] = Key });

    public void Dispose() => _remote.Dispose();

    [Fact]
    public async Task TheFirstSync_TakesTheWritersUnresolvedIncidents_AndTellsSubscribers()
    {
        var changes = _remote.Subscribe();
        _writer.Unresolved = [Incident(1, Severity.Minor), Incident(2, Severity.Critical)];

        await _remote.SyncAsync(CancellationToken.None);

        Assert.Equal([2L, 1L], _remote.Unresolved().Select(i => i.Id)); // most severe first
        var told = new List<long>();
        while (changes.TryRead(out var change))
        {
            told.Add(change.Incident.Id);
        }

        Assert.Equal([1L, 2L], told.Order());
        Assert.Equal($"Bearer {Key}", _writer.Authorization);
    }

    [Fact]
    public async Task AnIncidentResolvedWhileAway_LeavesAtTheNextSync_WithTheWritersLastAuditEvent()
    {
        _writer.Unresolved = [Incident(1, Severity.Major), Incident(2, Severity.Major)];
        await _remote.SyncAsync(CancellationToken.None);
        var changes = _remote.Subscribe();

        // Resolved while this instance was away from the broker: its retained message is gone, only the writer knows.
        _writer.Unresolved = [Incident(2, Severity.Major)];
        _writer.Details[1] = new IncidentWithAudit(Incident(1, Severity.Major) with { State = IncidentState.Resolved, ResolvedAt = Now, ResolvedBy = "cb-truc" },
            [new IncidentEvent(1, Now, "cb-truc", "resolved", IncidentState.Acknowledged, IncidentState.Resolved, "Đã xử lý")]);
        await _remote.SyncAsync(CancellationToken.None);

        Assert.Equal([2L], _remote.Unresolved().Select(i => i.Id));
        Assert.True(changes.TryRead(out var change));
        Assert.Equal((1L, IncidentState.Resolved, "cb-truc", "Đã xử lý"), (change!.Incident.Id, change.Incident.State, change.Event.Actor, change.Event.Comment));
    }

    [Fact]
    public async Task AResolutionArrivingOnTheBrokerDuringASync_IsNotUndoneByTheOlderList()
    {
        _writer.Unresolved = [Incident(7, Severity.Major)];
        _writer.WhileListing = () => _remote.Receive(Payload(Incident(7, Severity.Major) with { State = IncidentState.Resolved, ResolvedAt = Now }, "resolved"));

        await _remote.SyncAsync(CancellationToken.None);

        Assert.Empty(_remote.Unresolved());
    }

    [Fact]
    public void ChangesOnTheBroker_AddUpdateAndRemove_AndUnreadableOnesAreSkipped()
    {
        var changes = _remote.Subscribe();
        _remote.Receive(Payload(Incident(3, Severity.Warning), "opened"));
        _remote.Receive(Payload(Incident(3, Severity.Major) with { State = IncidentState.Acknowledged, AcknowledgedBy = "cb-truc" }, "acknowledged"));
        Assert.Equal((IncidentState.Acknowledged, Severity.Major), (_remote.Unresolved().Single().State, _remote.Unresolved().Single().Severity));

        _remote.Receive(new ReadOnlySequence<byte>("{not json"u8.ToArray()));
        _remote.Receive(ReadOnlySequence<byte>.Empty); // a resolved incident's retained message being cleared
        _remote.Receive(Payload(Incident(3, Severity.Major) with { State = IncidentState.Resolved }, "resolved"));

        Assert.Empty(_remote.Unresolved());
        var seen = new List<string>();
        while (changes.TryRead(out var change))
        {
            seen.Add(change.Event.Action);
        }

        Assert.Equal(["opened", "acknowledged", "resolved"], seen);
    }

    [Fact]
    public async Task AnOfficersAction_GoesToTheWriter_AndItsRefusalsComeBackAsTheServiceDoes()
    {
        _writer.Action = request => request.RequestUri!.AbsolutePath switch
        {
            "/api/v1/incidents/5/acknowledge" => Json(HttpStatusCode.OK, Incident(5, Severity.Major) with { State = IncidentState.Acknowledged, AcknowledgedBy = "cb-truc" }),
            "/api/v1/incidents/6/acknowledge" => Json(HttpStatusCode.Conflict, new IncidentActionRefused("Incident 6 is resolved.")),
            _ => new HttpResponseMessage(HttpStatusCode.NotFound),
        };

        var acknowledged = await _remote.AcknowledgeAsync(5, "cb-truc", "Đã cử người");
        Assert.Equal((IncidentState.Acknowledged, "cb-truc"), (acknowledged.State, acknowledged.AcknowledgedBy));
        Assert.Equal(("cb-truc", "Đã cử người"), (_writer.LastAction!.User, _writer.LastAction.Comment));
        Assert.Equal("Incident 6 is resolved.", (await Assert.ThrowsAsync<IllegalTransitionException>(() => _remote.AcknowledgeAsync(6, "cb-truc", null))).Message);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => _remote.ResolveAsync(99, "cb-truc", null));
    }

    [Fact]
    public void WithoutTheWritersAddressOrKey_TheDashboardDoesNotStart_AndSaysWhichSettings()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => Create(new Dictionary<string, string?> { ["Analytics:Url"] = "http://analytics.test:8080" }));
        Assert.Contains(IncidentApi.KeySetting, refused.Message, StringComparison.Ordinal);
        Assert.Contains("Analytics:Url", refused.Message, StringComparison.Ordinal);
    }

    private RemoteIncidents Create(Dictionary<string, string?> settings) =>
        new(new HttpClient(_writer), new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), NullLogger<RemoteIncidents>.Instance);

    private static Incident Incident(long id, Severity severity) =>
        new(id, IncidentKind.ConnectivityDegraded, "net-" + id, "net-" + id, "29905", severity, IncidentState.Open, true, Now.AddMinutes(-id), Now, null, null, null, null, null, null, 1, 0,
            new Evidence("rules", 1, "packet_loss_pct", 25));

    private static ReadOnlySequence<byte> Payload(Incident incident, string action) =>
        new(JsonSerializer.SerializeToUtf8Bytes(new IncidentChange(incident, new IncidentEvent(incident.Id, Now, "system", action, null, incident.State, null)), IncidentJson.Options));

    private static HttpResponseMessage Json<T>(HttpStatusCode status, T body) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(body, IncidentJson.Options), Encoding.UTF8, "application/json") };

    /// <summary>The incident writer's API as the dashboard sees it.</summary>
    private sealed class Writer : HttpMessageHandler
    {
        public List<Incident> Unresolved { get; set; } = [];

        public Dictionary<long, IncidentWithAudit> Details { get; } = [];

        public Action? WhileListing { get; set; }

        public Func<HttpRequestMessage, HttpResponseMessage>? Action { get; set; }

        public string? Authorization { get; private set; }

        public IncidentActionRequest? LastAction { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorization = request.Headers.Authorization?.ToString();
            var path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Post)
            {
                LastAction = JsonSerializer.Deserialize<IncidentActionRequest>(await request.Content!.ReadAsStringAsync(cancellationToken), IncidentJson.Options);
                return Action!(request);
            }

            if (path == "/api/v1/incidents/unresolved")
            {
                var list = Unresolved.ToList();
                WhileListing?.Invoke();
                return Json(HttpStatusCode.OK, list);
            }

            var id = long.Parse(path[(path.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            return Details.TryGetValue(id, out var detail) ? Json(HttpStatusCode.OK, detail) : new HttpResponseMessage(HttpStatusCode.NotFound);
        }
    }
}
