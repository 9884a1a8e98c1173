using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Xunit;
using IocCenter.Analytics.Notifications;

namespace IocCenter.Tests.Analytics.Notifications;

public sealed class WebhookTemplateTests
{
    private const string SmallTemplate = """{"t": "{{title}}", "x": "{{text}}", "d": "{{detail}}"}""";

    [Theory]
    [InlineData("""{"text": {{text}}}""")] // no quotes around the value
    [InlineData("""{"text": "{{text}}" """)] // unclosed object
    [InlineData("""{"text": "{{text}}", "title": "{{title}}",}""")]
    public void ValidateTemplate_NotJsonOnceRendered_ReturnsBilingualError(string template)
    {
        var error = WebhookChannel.ValidateTemplate(template);

        Assert.NotNull(error);
        Assert.Contains("JSON hợp lệ", error);
        Assert.Contains(" / The webhook template does not render valid JSON", error);
    }

    [Theory]
    [InlineData("""{"text": "{{texts}}"}""", "{{texts}}")]
    [InlineData("""{"text": "{{ text }}"}""", "{{ text }}")]
    [InlineData("""{"text": "{{Text}}"}""", "{{Text}}")]
    public void ValidateTemplate_UnknownPlaceholder_ReturnsErrorNamingIt(string template, string placeholder)
    {
        var error = WebhookChannel.ValidateTemplate(template);

        Assert.NotNull(error);
        Assert.Contains("unknown placeholder: " + placeholder, error);
    }

    [Fact]
    public void ValidateTemplate_UnclosedPlaceholder_ReturnsError() =>
        Assert.Contains("unclosed", WebhookChannel.ValidateTemplate("""{"text": "{{text"}"""));

    [Theory]
    [InlineData(SmallTemplate)]
    [InlineData("""{"msg": "[{{severityVi}}] {{title}}", "n": {{incidentId}}, "level": {{level}}, "at": "{{since}}"}""")]
    [InlineData("""[{"type": "text", "text": "{{kindVi}} – {{areaName}}: {{text}} {{link}}"}]""")]
    public void ValidateTemplate_GoodTemplate_ReturnsNull(string template) => Assert.Null(WebhookChannel.ValidateTemplate(template));

    [Fact]
    public void WebhookOptions_BadTemplate_FailsDataAnnotationValidation()
    {
        var options = new WebhookOptions { Url = "https://example.vn/hook", Secret = "0123456789abcdef", Template = """{"x": "{{nope}}"}""" };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("{{nope}}", StringComparison.Ordinal));
    }

    /// <summary>Whatever a title, text or detail holds, both bodies are JSON and give the string back (as UTF-8 can carry it).</summary>
    [Property(MaxTest = 500)]
    public bool AnyStrings_DefaultBodyAndTemplate_AreJsonAndRoundTrip(NonNull<string> title, NonNull<string> text, string? detail)
    {
        var notification = SampleNotifications.Make("webhook", "w", title.Get, text.Get, detail);
        var withTemplate = new WebhookOptions { Url = "http://127.0.0.1/", Secret = "0123456789abcdef", Template = SmallTemplate };

        var plain = JsonDocument.Parse(WebhookChannel.Body(new WebhookOptions(), notification)).RootElement;
        var rendered = JsonDocument.Parse(WebhookChannel.Body(withTemplate, notification)).RootElement;

        return plain.GetProperty("title").GetString() == AsUtf8(title.Get)
            && plain.GetProperty("text").GetString() == AsUtf8(text.Get)
            && plain.GetProperty("facts").GetProperty("detail").GetString() == (detail is null ? null : AsUtf8(detail))
            && rendered.GetProperty("t").GetString() == AsUtf8(title.Get)
            && rendered.GetProperty("x").GetString() == AsUtf8(text.Get)
            && rendered.GetProperty("d").GetString() == AsUtf8(detail ?? "");
    }

    /// <summary>A lone surrogate has no UTF-8 form; a body can only carry U+FFFD in its place.</summary>
    private static string AsUtf8(string value) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value));
}
