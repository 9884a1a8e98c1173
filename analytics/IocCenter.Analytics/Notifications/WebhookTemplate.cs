using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IocCenter.Analytics.Notifications;

/// <summary>
/// A webhook body template: JSON written by the province with <c>{{placeholders}}</c> inside its strings. A value goes
/// in JSON-string-escaped without quotes (the author writes <c>"text": "{{text}}"</c>), so no title or detail can
/// break out of its string; a null fact is empty. Values are never scanned for placeholders again.
/// </summary>
internal static class WebhookTemplate
{
    /// <summary>Values that would break a template that forgot its quotes or escaped by hand.</summary>
    private static readonly Notification Sample = new(
        "incident:1:opened:webhook:sample", 1, "webhook", "sample", "opened",
        "Mất kết nối \"Cầu Rồng\" {{title}}", "Dòng 1\nDòng 2 \\ \"trích\" }} {{\r\n\t😀", "https://ioc.example/su-co/1?a=1&b=\"2\"",
        new NotificationFacts("offline", "mất kết nối", "critical", "nghiêm trọng", "dev\"1", "Cảm biến \\ 1", null, "Hải Châu",
            "ag\n1", "Công an \"phường\"", new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.FromHours(7)), 2, "{{detail}} \"x\": 1 }"));

    /// <summary>Null when <paramref name="template"/> is usable; else why not, in Vietnamese then English.</summary>
    public static string? Validate(string template)
    {
        if (TryRender(template, Sample, out var body) is { } error)
        {
            return error;
        }

        try
        {
            using var _ = JsonDocument.Parse(body);
            return null;
        }
        catch (JsonException e)
        {
            return $"Mẫu webhook không cho ra JSON hợp lệ (dòng {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}) / "
                + $"The webhook template does not render valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})";
        }
    }

    public static string Render(string template, Notification notification) =>
        TryRender(template, notification, out var body) is { } error ? throw new InvalidOperationException(error) : body;

    private static string? TryRender(string template, Notification notification, out string body)
    {
        var result = new StringBuilder(template.Length + notification.Text.Length);
        var position = 0;
        body = "";
        while (template.IndexOf("{{", position, StringComparison.Ordinal) is var open and >= 0)
        {
            var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                return $"Mẫu webhook có '{{{{' không đóng ở vị trí {open + 1} / The webhook template has an unclosed '{{{{' at position {open + 1}";
            }

            var name = template[(open + 2)..close];
            if (Value(name, notification) is not { } value)
            {
                return $"Mẫu webhook có chỗ điền không biết: {{{{{name}}}}} / The webhook template names an unknown placeholder: {{{{{name}}}}}";
            }

            result.Append(template, position, open - position);
            // Escaped like any JSON string (non-ASCII as \uXXXX); a lone surrogate becomes U+FFFD, as in UTF-8.
            result.Append(JsonEncodedText.Encode(value).Value);
            position = close + 2;
        }

        body = result.Append(template, position, template.Length - position).ToString();
        return null;
    }

    /// <summary>The value of a placeholder, "" for a null fact, or null when the name is not a placeholder.</summary>
    private static string? Value(string name, Notification n) => name switch
    {
        "key" => n.Key,
        "title" => n.Title,
        "text" => n.Text,
        "link" => n.Link,
        "event" => n.Event,
        "incidentId" => n.IncidentId.ToString(CultureInfo.InvariantCulture),
        "kind" => n.Facts.Kind,
        "kindVi" => n.Facts.KindVi,
        "severity" => n.Facts.Severity,
        "severityVi" => n.Facts.SeverityVi,
        "deviceId" => n.Facts.DeviceId ?? "",
        "deviceName" => n.Facts.DeviceName ?? "",
        "area" => n.Facts.Area ?? "",
        "areaName" => n.Facts.AreaName ?? "",
        "agency" => n.Facts.Agency ?? "",
        "agencyName" => n.Facts.AgencyName ?? "",
        // As System.Text.Json writes it in the default body: ISO-8601 without trailing zero fractions.
        "since" => n.Facts.Since.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        "level" => n.Facts.Level.ToString(CultureInfo.InvariantCulture),
        "detail" => n.Facts.Detail ?? "",
        _ => null,
    };
}
