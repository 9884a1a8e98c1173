using IocCenter.Analytics.Notifications;

namespace IocCenter.Tests.Analytics.Notifications;

internal static class SampleNotifications
{
    public const string Title = "Mất kết nối: Cảm biến ngập \"Cầu Rồng\"";

    public const string Text = "Cảm biến ngập đường Bạch Đằng mất kết nối từ 08:30.\nSensor offline since 08:30.\nhttps://ioc.example/su-co/42";

    public static Notification Make(string channel, string recipient, string title = Title, string text = Text, string? detail = "mực nước 35 cm") => new(
        $"incident:42:opened:{channel}:{recipient}",
        42,
        channel,
        recipient,
        "opened",
        title,
        text,
        "https://ioc.example/su-co/42",
        new NotificationFacts("offline", "mất kết nối", "critical", "nghiêm trọng", "flood-07", "Cảm biến ngập Bạch Đằng", "hai-chau",
            "Hải Châu", null, null, new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.FromHours(7)), 2, detail));
}
