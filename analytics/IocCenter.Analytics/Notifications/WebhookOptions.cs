using System.ComponentModel.DataAnnotations;

namespace IocCenter.Analytics.Notifications;

/// <summary>
/// One named receiver of the <c>webhook</c> channel (a recipient <c>webhook:NAME</c> names it). The caller binds a
/// dictionary of these by name; <see cref="Validate"/> also checks the template, so a start-up validation catches a
/// template that would not render JSON.
/// </summary>
public sealed class WebhookOptions : IValidatableObject
{
    /// <summary>An absolute http or https URL.</summary>
    [Required]
    public string Url { get; set; } = "";

    /// <summary>The HMAC-SHA256 key of <c>X-IocCenter-Signature</c>; at least 16 characters so it cannot be guessed.</summary>
    [Required, MinLength(16)]
    public string Secret { get; set; } = "";

    /// <summary>A JSON body with <c>{{placeholders}}</c>; without one the body is the whole notification as JSON.</summary>
    public string? Template { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WebhookChannel.ValidateUrl(Url) is { } urlError)
        {
            yield return new ValidationResult(urlError, [nameof(Url)]);
        }

        if (Template is not null && WebhookTemplate.Validate(Template) is { } templateError)
        {
            yield return new ValidationResult(templateError, [nameof(Template)]);
        }
    }
}
