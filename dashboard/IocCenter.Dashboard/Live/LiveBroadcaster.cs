using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using IocCenter.Analytics.Incidents;
using IocCenter.Resilience;
using IocCenter.Geography;
using Microsoft.AspNetCore.SignalR;

namespace IocCenter.Dashboard.Live;

/// <summary>
/// Streams the live state to every screen. Readings and incident changes go into <see cref="LiveState"/>; ten
/// times a second each screen gets a delta for its view — a wall the devices whose state changed, a screen that
/// asked for values also every changed device's values (each device at most once a second) — and once a second the
/// tiles and a chart point; incident changes go out at once. Every screen has its own feed and sender: what it has
/// not been sent yet is a set of device ids (latest state wins, bounded by the number of devices) and a short queue
/// of incident changes, so a slow screen falls behind alone and never slows the others; one that falls too far
/// behind gets a fresh snapshot instead.
/// </summary>
public sealed partial class LiveBroadcaster(LiveState state, IIncidents incidents, IHubContext<IocHub> hub, Province province, ILogger<LiveBroadcaster> logger) : BackgroundService
{
    private const int MaxQueuedIncidents = 500;
    private const int TicksPerSecond = 10;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1000 / TicksPerSecond);
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);
    private readonly IReadOnlyList<AreaView> _areas = [.. province.Areas.Select(AreaView.Of)];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly ConcurrentDictionary<string, ClientFeed> _feeds = new(StringComparer.Ordinal);

    // A tick's delta for one view, serialized once for every screen that is in step (most of them).
    private readonly ConcurrentDictionary<(long Tick, ViewFilter Filter), Lazy<JsonElement?>> _shared = new();

    public int Screens => _feeds.Count;

    public Snapshot Snapshot(ViewFilter filter) => state.Snapshot(filter, province.Name, _areas);

    /// <summary>A new screen: it gets a snapshot first, then deltas. <paramref name="abort"/> disconnects it.</summary>
    public void Connect(string connectionId, long? kioskTokenId = null, Action? abort = null, (long Id, string Stamp)? person = null)
    {
        var feed = new ClientFeed(connectionId) { KioskTokenId = kioskTokenId, Abort = abort, Person = person };
        _feeds[connectionId] = feed;
        feed.Pump = Task.Run(() => PumpAsync(feed));
    }

    public void Disconnect(string connectionId)
    {
        if (_feeds.TryRemove(connectionId, out var feed))
        {
            feed.Stop();
            (feed.Pump ?? Task.CompletedTask).ContinueWith(_ => feed.Dispose(), TaskScheduler.Default);
        }
    }

    /// <summary>Changes what a screen watches (a domain and/or an area); it gets a snapshot of the new view.</summary>
    public void Watch(string connectionId, ViewFilter filter)
    {
        if (_feeds.TryGetValue(connectionId, out var feed))
        {
            feed.Watch(filter);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var readings = ApplyReadingsAsync(stoppingToken);
        var changes = ApplyIncidentsAsync(stoppingToken);
        using var timer = new PeriodicTimer(Tick);
        var ticks = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var tick = state.Tick(full: ++ticks % TicksPerSecond == 0);
                foreach (var old in _shared.Keys.Where(k => k.Tick < ticks - (10 * TicksPerSecond)))
                {
                    _shared.TryRemove(old, out _);
                }

                if (tick.Changed.Count == 0 && tick.Chart is null)
                {
                    continue;
                }

                foreach (var feed in _feeds.Values)
                {
                    feed.AddTick(ticks, tick);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        foreach (var feed in _feeds.Values)
        {
            feed.Stop();
        }

        await Task.WhenAll(readings, changes).IgnoreCancellationAsync();
    }

    private async Task ApplyReadingsAsync(CancellationToken stoppingToken)
    {
        var reader = state.Readings.Reader;
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            while (reader.TryRead(out var reading))
            {
                state.Apply(reading);
            }
        }
    }

    private async Task ApplyIncidentsAsync(CancellationToken stoppingToken)
    {
        var reader = incidents.Subscribe();
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            while (reader.TryRead(out var change))
            {
                state.ApplyIncident(change.Incident);
                foreach (var feed in _feeds.Values)
                {
                    feed.AddIncident(change.Incident);
                }
            }
        }
    }

    private async Task PumpAsync(ClientFeed feed)
    {
        var client = hub.Clients.Client(feed.ConnectionId);
        try
        {
            while (await feed.WaitAsync())
            {
                var work = feed.Take();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(feed.Stopping);
                timeout.CancelAfter(SendTimeout);
                try
                {
                    if (work.Resync)
                    {
                        await client.SendAsync("snapshot", Snapshot(work.Filter), timeout.Token);
                        continue;
                    }

                    foreach (var incident in work.Incidents)
                    {
                        await client.SendAsync("incident", incident, timeout.Token);
                    }

                    if (work.Shared is { } shared)
                    {
                        // In step: the tick's delta for this view, serialized once for all such screens.
                        var (number, tick) = shared;
                        var element = _shared.GetOrAdd((number, work.Filter), key => new Lazy<JsonElement?>(() => Serialize(tick, key.Filter))).Value;
                        if (element is { } json)
                        {
                            await client.SendAsync("delta", json, timeout.Token);
                        }
                    }
                    else if (work.Chart is not null || work.Devices.Count > 0)
                    {
                        // Behind (or just resynced): its own delta of everything it has not been sent.
                        var delta = state.Delta(work.Devices, work.Filter, work.Chart);
                        if (delta.Devices.Count > 0 || delta.Removed is not null || delta.Chart is not null) // a catching-up delta has no changes: all in full
                        {
                            await client.SendAsync("delta", delta, timeout.Token);
                        }
                    }
                }
                catch (OperationCanceledException) when (!feed.Stopping.IsCancellationRequested)
                {
                    // Too slow to take even this: it gets a snapshot when it can.
                    LogSlowScreen(logger, feed.ConnectionId);
                    feed.RequestResync();
                }
            }
        }
        catch (OperationCanceledException) when (feed.Stopping.IsCancellationRequested)
        {
            // Disconnected.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogPumpFailed(logger, e, feed.ConnectionId);
        }
    }

    private JsonElement? Serialize(TickResult tick, ViewFilter filter)
    {
        var delta = state.Delta(tick.For(filter), filter, tick.Chart, tick.Announced);
        return delta.Devices.Count == 0 && delta.Changes.Count == 0 && delta.Removed is null && delta.Chart is null ? null : JsonSerializer.SerializeToElement(delta, Json);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Screen {ConnectionId} is too slow; it will get a snapshot when it catches up")]
    private static partial void LogSlowScreen(ILogger logger, string connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped feeding screen {ConnectionId}")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception, string connectionId);

    /// <summary>What one screen has not been sent yet.</summary>
    private sealed class ClientFeed(string connectionId) : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly SemaphoreSlim _signal = new(0, 1);
        private readonly CancellationTokenSource _stop = new();
        private readonly HashSet<string> _devices = new(StringComparer.Ordinal);
        private readonly List<Incident> _incidents = [];
        private ViewFilter _filter = ViewFilter.All;
        private ChartPoint? _chart;
        private (long Number, TickResult Tick)? _shared;
        private bool _resync = true;

        public string ConnectionId { get; } = connectionId;

        public long? KioskTokenId { get; init; }

        public Action? Abort { get; init; }

        /// <summary>The person signed in on this connection and their security stamp then; null for a wall.</summary>
        public (long Id, string Stamp)? Person { get; init; }

        public Task? Pump { get; set; }

        public CancellationToken Stopping => _stop.Token;

        public async Task<bool> WaitAsync()
        {
            if (!HasWork())
            {
                await _signal.WaitAsync(_stop.Token);
            }

            return !_stop.IsCancellationRequested;
        }

        public (bool Resync, ViewFilter Filter, IReadOnlyList<Incident> Incidents, IReadOnlyList<string> Devices, ChartPoint? Chart, (long Number, TickResult Tick)? Shared) Take()
        {
            lock (_gate)
            {
                var work = (_resync, _filter, (IReadOnlyList<Incident>)[.. _incidents], (IReadOnlyList<string>)[.. _devices], _chart, _shared);
                if (_resync)
                {
                    work = (true, _filter, [], [], null, null);
                }

                _resync = false;
                _incidents.Clear();
                _devices.Clear();
                _chart = null;
                _shared = null;
                return work;
            }
        }

        /// <summary>
        /// A tick's changes. A screen with nothing else pending takes the tick as it is (the shared, serialized-once
        /// delta); one that is behind merges it into what it has not been sent (latest state wins) and catches up with
        /// every device in full, so it never misses a device's announcement.
        /// </summary>
        public void AddTick(long number, TickResult tick)
        {
            lock (_gate)
            {
                if (tick.For(_filter).Count == 0 && tick.Chart is null)
                {
                    return; // nothing for this view (a wall, when only values changed)
                }

                if (!_resync && _shared is null && _devices.Count == 0 && _chart is null)
                {
                    _shared = (number, tick);
                }
                else
                {
                    if (_shared is { } earlier)
                    {
                        _devices.UnionWith(earlier.Tick.For(_filter));
                        _chart = earlier.Tick.Chart ?? _chart;
                        _shared = null;
                    }

                    _devices.UnionWith(tick.For(_filter));
                    _chart = tick.Chart ?? _chart;
                }
            }

            Signal();
        }

        public void AddIncident(Incident incident)
        {
            lock (_gate)
            {
                if (_incidents.Count >= MaxQueuedIncidents)
                {
                    _resync = true; // a snapshot carries every open incident
                    _incidents.Clear();
                }
                else
                {
                    _incidents.Add(incident);
                }
            }

            Signal();
        }

        public void Watch(ViewFilter filter)
        {
            lock (_gate)
            {
                _filter = filter;
                _resync = true;
            }

            Signal();
        }

        public void RequestResync()
        {
            lock (_gate)
            {
                _resync = true;
            }

            Signal();
        }

        public void Stop() => _stop.Cancel();

        public void Dispose()
        {
            _stop.Dispose();
            _signal.Dispose();
        }

        private bool HasWork()
        {
            lock (_gate)
            {
                return _resync || _incidents.Count > 0 || _chart is not null || _devices.Count > 0 || _shared is not null;
            }
        }

        private void Signal()
        {
            if (_signal.CurrentCount == 0)
            {
                try
                {
                    _signal.Release();
                }
                catch (SemaphoreFullException)
                {
                    // Already signalled.
                }
            }
        }
    }
}
