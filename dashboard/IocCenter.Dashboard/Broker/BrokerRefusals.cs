using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace IocCenter.Dashboard.Broker;

/// <summary>Why the embedded broker refused something; the <c>reason</c> tag of <c>ioc.broker.refused</c>.</summary>
internal enum BrokerRefusal
{
    /// <summary>An account's name with a wrong secret, or no credentials where devices must sign in.</summary>
    Credentials,

    /// <summary>A client id of IocCenter's own services (<c>iocc-…</c>) from a device or an anonymous client.</summary>
    ClientIdReserved,

    /// <summary>An empty client id asking for a persistent session (MQTT 3.1.1 allows an empty id only with a clean session).</summary>
    ClientIdEmpty,

    /// <summary>A publish outside what the client may write (another device's topic, incidents, dead letters, commands).</summary>
    PublishNotAllowed,

    /// <summary>A subscription a device or an anonymous client may not make (they subscribe to nothing).</summary>
    SubscribeNotAllowed,

    /// <summary>A packet larger than <c>AllInOne:BrokerMaxPacketSize</c>: the connection is closed before it is read.</summary>
    PacketTooLarge,

    /// <summary>A connection past <c>AllInOne:BrokerMaxConnections</c> or <c>…PerAddress</c>: closed at once.</summary>
    TooManyConnections,

    /// <summary>An MQTT 5 publish with a topic alias, which this broker does not take (its CONNACK says so).</summary>
    TopicAlias,

    /// <summary>A client that leaves <see cref="ConnectHandshake.MaxUnanswered"/> of the broker's answers (PINGRESP, PUBACK, SUBACK reason codes, …) unread for <see cref="ConnectHandshake.DrainTimeout"/>.</summary>
    NotReading,
}

/// <summary>
/// The embedded broker's refusals: counted by reason (meter <c>IocCenter.Broker</c>, <c>ioc.broker.refused</c>), and
/// logged at most once a minute per reason and client address with how many were not logged, so a thousand hostile
/// clients make a handful of lines, not a thousand.
/// </summary>
internal sealed partial class BrokerRefusals
{
    public const string MeterName = "IocCenter.Broker";
    private const int MaxRemembered = 10_000;
    private static readonly string[] Codes = ["credentials", "client_id_reserved", "client_id_empty", "publish_not_allowed", "subscribe_not_allowed", "packet_too_large", "too_many_connections", "topic_alias", "not_reading"];

    private readonly Counter<long> _refused;
    private readonly Counter<long> _retainCleared;
    private readonly Counter<long> _clientIdWaits;
    private long _clientIdWaitLogged;
    private long _clientIdWaitsUnlogged;
    private readonly ConcurrentDictionary<(BrokerRefusal, string), Window> _logged = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public BrokerRefusals(IMeterFactory meters, TimeProvider time, ILogger<BrokerRefusals> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _refused = meter.CreateCounter<long>("ioc.broker.refused", "{refusal}", "Connections, publishes and subscriptions the embedded broker refused, by reason.");
        _retainCleared = meter.CreateCounter<long>("ioc.broker.retain.cleared", "{message}", "Retained publishes a device may not retain (anything but its status), passed on without the retain flag.");
        _clientIdWaits = meter.CreateCounter<long>("ioc.broker.client_id.wait_timeouts", "{connection}", "Connections that waited the longest allowed for another connection with their client id to be registered or cleaned up, and went ahead without (see ClientIdGate).");
        _clientIdWaits.Add(0); // on /metrics from the start: 0 is the figure to watch
        _time = time;
        _logger = logger;
    }

    public static string Code(BrokerRefusal reason) => Codes[(int)reason];

    public void Refused(BrokerRefusal reason, string? clientId, string? user, string? remote, string detail)
    {
        _refused.Add(1, new KeyValuePair<string, object?>("reason", Code(reason)));
        var address = Address(remote);
        if (ShouldLog(reason, address, out var suppressed))
        {
            LogRefused(_logger, Code(reason), string.IsNullOrEmpty(clientId) ? "(none)" : Cut(clientId), string.IsNullOrEmpty(user) ? "(none)" : Cut(user), remote ?? "?", Cut(detail), suppressed);
        }
    }

    public void RetainCleared() => _retainCleared.Add(1);

    /// <summary>A connection that went ahead after waiting the longest allowed for its client id: counted, logged at most once a minute.</summary>
    public void ClientIdWaitTimedOut(string clientId)
    {
        _clientIdWaits.Add(1);
        var last = Interlocked.Read(ref _clientIdWaitLogged);
        if (last != 0 && _time.GetElapsedTime(last) < TimeSpan.FromMinutes(1))
        {
            Interlocked.Increment(ref _clientIdWaitsUnlogged);
            return;
        }

        if (Interlocked.CompareExchange(ref _clientIdWaitLogged, _time.GetTimestamp(), last) == last)
        {
            LogClientIdWait(_logger, Cut(clientId), Interlocked.Exchange(ref _clientIdWaitsUnlogged, 0));
        }
    }

    /// <summary>What a client sent is logged at most 200 characters long: a 60 KB topic must not become a 60 KB log line.</summary>
    private static string Cut(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "… (", text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), " chars)");

    /// <summary>The host part of an endpoint (<c>1.2.3.4:5678</c> → <c>1.2.3.4</c>): one hostile host is one key whatever its ports.</summary>
    private static string Address(string? remote)
    {
        if (string.IsNullOrEmpty(remote))
        {
            return "?";
        }

        var colon = remote.LastIndexOf(':');
        return colon > 0 ? remote[..colon] : remote;
    }

    private bool ShouldLog(BrokerRefusal reason, string address, out long suppressed)
    {
        var now = _time.GetTimestamp();
        if (_logged.Count > MaxRemembered)
        {
            _logged.Clear(); // many addresses: forget the windows rather than grow; at worst a few more lines
        }

        var window = _logged.GetOrAdd((reason, address), _ => new Window());
        lock (window)
        {
            if (window.Started != 0 && _time.GetElapsedTime(window.Started, now) < TimeSpan.FromMinutes(1))
            {
                window.Suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = window.Suppressed;
            window.Started = now;
            window.Suppressed = 0;
            return true;
        }
    }

    private sealed class Window
    {
        public long Started;
        public long Suppressed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker chờ quá lâu cho mã client {ClientId}, cho kết nối đi tiếp / The embedded broker waited the longest allowed for another connection with client id {ClientId} and let this one go ahead ({Suppressed} more since the last such line)")]
    private static partial void LogClientIdWait(ILogger logger, string clientId, long suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker từ chối ({Reason}) / The embedded broker refused ({Reason}): client {ClientId}, user {User}, from {Remote}: {Detail} ({Suppressed} more like it from this address since the last such line)")]
    private static partial void LogRefused(ILogger logger, string reason, string clientId, string user, string remote, string detail, long suppressed);
}
