using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using IocCenter.Analytics.Incidents;
using IocCenter.Analytics.Live;
using IocCenter.Analytics.Maintenance;
using IocCenter.Mqtt;
using IocCenter.Resilience;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.Dashboard.Live;

/// <summary>
/// Incidents for a dashboard running apart from analytics (<c>AllInOne:Analytics=false</c>). Reads and officers'
/// actions go to the single writer over its HTTP API (<c>Analytics:Url</c>, <c>Analytics:ApiKey</c>); changes are
/// followed on the broker (<c>ioc/v1/incidents/+</c>, where analytics publishes each one and keeps the unresolved
/// retained). After every (re)connection the unresolved set is checked against the writer's, so an incident
/// resolved while this instance was away from the broker (its retained message already cleared) leaves the walls too.
/// </summary>
public sealed partial class RemoteIncidents : BackgroundService, IIncidents
{
    private const int MaxSubscriberBacklog = 10_000;

    private readonly HttpClient _http;
    private readonly IConfiguration _configuration;
    private readonly ILogger<RemoteIncidents> _logger;
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly Dictionary<long, Incident> _unresolved = [];
    private readonly HashSet<long> _resolvedDuringSync = [];
    private readonly List<Channel<IncidentChange>> _subscribers = [];
    private IReadOnlyList<MaintenanceWindow> _maintenance = [];
    private long _passes;

    public RemoteIncidents(HttpClient http, IConfiguration configuration, ILogger<RemoteIncidents> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(configuration);
        var url = configuration["Analytics:Url"];
        var key = configuration[IncidentApi.KeySetting];
        if (string.IsNullOrEmpty(url) || string.IsNullOrEmpty(key))
        {
            throw new InvalidOperationException(
                $"AllInOne:Analytics=false needs Analytics:Url (the analytics host) and {IncidentApi.KeySetting} (its API key) / thiếu địa chỉ hoặc khóa API của dịch vụ phân tích");
        }

        _http = http;
        _http.BaseAddress = new Uri(url.TrimEnd('/') + "/");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        _http.Timeout = TimeSpan.FromSeconds(10);
        _configuration = configuration;
        _logger = logger;
    }

    /// <summary>Whether the unresolved set has been checked against the writer since the last (re)connection.</summary>
    public bool InSync { get; private set; }

    public IReadOnlyList<Incident> Unresolved()
    {
        lock (_unresolved)
        {
            return _unresolved.Values.OrderByDescending(i => i.Severity).ThenByDescending(i => i.LastSeenAt).ToList();
        }
    }

    public ChannelReader<IncidentChange> Subscribe()
    {
        var channel = Channel.CreateBounded<IncidentChange>(new BoundedChannelOptions(MaxSubscriberBacklog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_subscribers)
        {
            _subscribers.Add(channel);
        }

        return channel.Reader;
    }

    public async Task<Incident?> FindAsync(long id, CancellationToken cancellationToken = default) =>
        (await GetAsync<IncidentWithAudit>(Path(id), cancellationToken))?.Incident;

    public async Task<IReadOnlyList<Incident>> RecentAsync(int limit, CancellationToken cancellationToken = default) =>
        await GetAsync<List<Incident>>(FormattableString.Invariant($"{Path(null)}?limit={limit}"), cancellationToken) ?? [];

    public async Task<IReadOnlyList<IncidentEvent>> AuditTrailAsync(long id, CancellationToken cancellationToken = default) =>
        (await GetAsync<IncidentWithAudit>(Path(id), cancellationToken))?.Audit ?? [];

    public Task<Incident> AcknowledgeAsync(long id, string user, string? comment) => ActAsync(id, "acknowledge", user, comment);

    public Task<Incident> ResolveAsync(long id, string user, string? comment) => ActAsync(id, "resolve", user, comment);

    public async Task<Incident> AssignAsync(long id, string user, string? assignee, string? agency, string? comment) =>
        await PostAsync<Incident>($"{Path(id)}/assign", new IncidentAssignRequest(user, assignee, agency, comment), $"No incident {id}.");

    public async Task<IReadOnlyList<AgencyInfo>> AgenciesAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<List<AgencyInfo>>(IncidentApi.AgenciesPath.TrimStart('/'), cancellationToken) ?? [];

    public IReadOnlyList<MaintenanceWindow> Maintenance() => Volatile.Read(ref _maintenance);

    public async Task<MaintenanceWindow> SetMaintenanceAsync(MaintenanceRequest request, string user)
    {
        var window = await PostAsync<MaintenanceWindow>(IncidentApi.MaintenancePath.TrimStart('/'), new MaintenanceSetRequest(user, request), "No maintenance API.");
        await RefreshMaintenanceAsync(CancellationToken.None);
        return window;
    }

    public async Task<MaintenanceWindow> CancelMaintenanceAsync(long id, string user, string? comment)
    {
        var window = await PostAsync<MaintenanceWindow>(FormattableString.Invariant($"{IncidentApi.MaintenancePath.TrimStart('/')}/{id}/cancel"), new IncidentActionRequest(user, comment), $"No maintenance window {id}.");
        await RefreshMaintenanceAsync(CancellationToken.None);
        return window;
    }

    public async Task<NotificationStatus> NotificationStatusAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<NotificationStatus>(IncidentApi.NotificationsPath.TrimStart('/'), cancellationToken) ?? new NotificationStatus([], [], []);

    /// <summary>The windows as the writer has them now (every few seconds, and after this dashboard's own changes).</summary>
    internal async Task RefreshMaintenanceAsync(CancellationToken cancellationToken)
    {
        if (await GetAsync<List<MaintenanceWindow>>(IncidentApi.MaintenancePath.TrimStart('/'), cancellationToken) is { } windows)
        {
            Volatile.Write(ref _maintenance, windows);
        }
    }

    private async Task<T> PostAsync<T>(string path, object body, string notFound)
    {
        using var response = await _http.PostAsJsonAsync(path, body, IncidentJson.Options);
        switch (response.StatusCode)
        {
            case HttpStatusCode.NotFound:
                throw new KeyNotFoundException(notFound);
            case HttpStatusCode.Conflict:
                throw new IllegalTransitionException((await response.Content.ReadFromJsonAsync<IncidentActionRefused>(IncidentJson.Options))?.Error ?? "Không thực hiện được / Not possible now.");
            case HttpStatusCode.BadRequest:
                throw new ArgumentException((await response.Content.ReadFromJsonAsync<IncidentActionRefused>(IncidentJson.Options))?.Error ?? "Yêu cầu không hợp lệ / Invalid request.");
            default:
                response.EnsureSuccessStatusCode();
                return await response.Content.ReadFromJsonAsync<T>(IncidentJson.Options)
                    ?? throw new InvalidOperationException("The analytics host answered without a body.");
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        lock (_subscribers)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var url = new Uri(_configuration["Mqtt:Url"] ?? "mqtt://127.0.0.1:1883");
        var clientId = $"iocc-dashboard-incidents-{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}";
        var options = MqttConnection.Options(url, clientId, _configuration["Mqtt:Username"], _configuration["Mqtt:Password"]).WithCleanStart(true).Build();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Receive(e.ApplicationMessage.Payload);
            return Task.CompletedTask;
        };

        var subscribed = false;
        for (var attempt = 0; !stoppingToken.IsCancellationRequested;)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    InSync = false;
                    subscribed = false;
                    lock (_unresolved)
                    {
                        _resolvedDuringSync.Clear();
                    }

                    await _client.ConnectAsync(options, stoppingToken);
                }

                if (!subscribed)
                {
                    await _client.SubscribeAsync(IncidentApi.ChangesTopicPrefix + "+", MqttQualityOfServiceLevel.AtLeastOnce, stoppingToken);
                    subscribed = true;
                }

                if (!InSync)
                {
                    await SyncAsync(stoppingToken);
                    InSync = true;
                    attempt = 0;
                    int count;
                    lock (_unresolved)
                    {
                        count = _unresolved.Count;
                    }

                    LogInSync(_logger, count);
                }

                // The loop passes once a second: the windows are at most five seconds old on this dashboard.
                if (_passes++ % 5 == 0)
                {
                    await RefreshMaintenanceAsync(stoppingToken);
                }

                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (attempt++ == 0)
                {
                    LogUnreachable(_logger, e.GetBaseException().Message);
                }

                await Task.Delay(Backoff.Delay(attempt, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(15)), stoppingToken).IgnoreCancellationAsync();
            }
        }
    }

    /// <summary>
    /// The writer's unresolved set is the truth: what is missing here is added, and what is here but no longer
    /// unresolved there is looked up and applied as it is now (resolved). Changes that arrive on the broker
    /// meanwhile win over the (older) list.
    /// </summary>
    internal async Task SyncAsync(CancellationToken cancellationToken)
    {
        var current = await GetAsync<List<Incident>>(Path(null) + "/unresolved", cancellationToken) ?? [];
        var ids = current.Select(i => i.Id).ToHashSet();
        List<long> gone;
        lock (_unresolved)
        {
            foreach (var incident in current.Where(i => !_unresolved.ContainsKey(i.Id) && !_resolvedDuringSync.Contains(i.Id)))
            {
                Apply(new IncidentChange(incident, new IncidentEvent(incident.Id, incident.LastSeenAt, IncidentLifecycle.System, "synced", incident.State, incident.State, null)));
            }

            gone = _unresolved.Keys.Where(id => !ids.Contains(id)).ToList();
        }

        foreach (var id in gone)
        {
            if (await GetAsync<IncidentWithAudit>(Path(id), cancellationToken) is { Incident.State: IncidentState.Resolved } now)
            {
                lock (_unresolved)
                {
                    Apply(new IncidentChange(now.Incident, now.Audit.Count > 0 ? now.Audit[^1] : new IncidentEvent(id, now.Incident.ResolvedAt ?? now.Incident.LastSeenAt, IncidentLifecycle.System, "synced", null, IncidentState.Resolved, null)));
                }
            }
        }
    }

    /// <summary>A message on <c>ioc/v1/incidents/+</c>.</summary>
    internal void Receive(ReadOnlySequence<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return; // a resolved incident's retained message being cleared
        }

        IncidentChange? change;
        try
        {
            var reader = new Utf8JsonReader(payload);
            change = JsonSerializer.Deserialize<IncidentChange>(ref reader, IncidentJson.Options);
        }
        catch (JsonException e)
        {
            LogBadChange(_logger, e.Message);
            return;
        }

        if (change?.Incident is null)
        {
            return;
        }

        lock (_unresolved)
        {
            if (change.Incident.State == IncidentState.Resolved)
            {
                _resolvedDuringSync.Add(change.Incident.Id);
            }

            Apply(change);
        }
    }

    // Under the _unresolved lock: changes reach subscribers in the order they were applied.
    private void Apply(IncidentChange change)
    {
        if (change.Incident.State == IncidentState.Resolved)
        {
            _unresolved.Remove(change.Incident.Id);
        }
        else
        {
            _unresolved[change.Incident.Id] = change.Incident;
        }

        lock (_subscribers)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(change);
            }
        }
    }

    private async Task<Incident> ActAsync(long id, string action, string user, string? comment)
    {
        using var response = await _http.PostAsJsonAsync($"{Path(id)}/{action}", new IncidentActionRequest(user, comment), IncidentJson.Options);
        switch (response.StatusCode)
        {
            case HttpStatusCode.NotFound:
                throw new KeyNotFoundException($"No incident {id}.");
            case HttpStatusCode.Conflict:
                var refused = await response.Content.ReadFromJsonAsync<IncidentActionRefused>(IncidentJson.Options);
                throw new IllegalTransitionException(refused?.Error ?? $"Sự cố #{id} hiện không {(action == "acknowledge" ? "tiếp nhận" : "xử lý")} được / Incident {id} cannot be {action}d now.");

            default:
                response.EnsureSuccessStatusCode();
                // Every screen (this one's too) gets the change from the broker, in the writer's order.
                return await response.Content.ReadFromJsonAsync<Incident>(IncidentJson.Options)
                    ?? throw new InvalidOperationException("The analytics host answered an action without the incident.");
        }
    }

    private async Task<T?> GetAsync<T>(string path, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await _http.GetAsync(path, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(IncidentJson.Options, cancellationToken);
    }

    private static string Path(long? id) =>
        IncidentApi.Prefix.TrimStart('/') + (id is { } value ? "/" + value.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty);

    [LoggerMessage(Level = LogLevel.Information, Message = "Đã đồng bộ sự cố với dịch vụ phân tích / Incidents in sync with analytics: {Count} unresolved")]
    private static partial void LogInSync(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Không lấy được sự cố từ dịch vụ phân tích hoặc broker / Cannot follow incidents (analytics or the broker): {Error} — retrying with backoff")]
    private static partial void LogUnreachable(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bỏ qua thay đổi sự cố không đọc được / Skipped an unreadable incident change: {Error}")]
    private static partial void LogBadChange(ILogger logger, string error);
}
