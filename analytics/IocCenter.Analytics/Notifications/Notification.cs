namespace IocCenter.Analytics.Notifications;

/// <summary>
/// One message to one recipient on one channel, as the outbox decided it. <see cref="Key"/> is its idempotency key:
/// the outbox holds at most one row per key, and every channel passes it on (e-mail Message-ID, webhook
/// <c>Idempotency-Key</c> header) so that a receiver can drop a repeat after a crash between send and bookkeeping.
/// <see cref="Title"/> is one line; <see cref="Text"/> is Vietnamese first, then English, and ends with <see cref="Link"/>.
/// </summary>
public sealed record Notification(
    string Key,
    long IncidentId,
    string Channel,
    string Recipient,
    string Event,
    string Title,
    string Text,
    string Link,
    NotificationFacts Facts);

/// <summary>The incident's facts for templates (a webhook's body), as they were when the notification was decided.</summary>
public sealed record NotificationFacts(
    string Kind,
    string KindVi,
    string Severity,
    string SeverityVi,
    string? DeviceId,
    string? DeviceName,
    string? Area,
    string? AreaName,
    string? Agency,
    string? AgencyName,
    DateTimeOffset Since,
    int Level,
    string? Detail);

/// <summary>
/// A way to reach people: <c>email</c>, <c>webhook</c>, <c>telegram</c>. <see cref="SendAsync"/> returns when the
/// other side has accepted the message and throws when it has not (the outbox retries with backoff).
/// </summary>
public interface INotificationChannel
{
    /// <summary>The prefix of a recipient on this channel: <c>email:</c>, <c>webhook:</c>, <c>telegram:</c>.</summary>
    string Name { get; }

    Task SendAsync(Notification notification, CancellationToken cancellationToken);
}
