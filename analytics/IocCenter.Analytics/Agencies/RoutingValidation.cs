using IocCenter.Analytics.Incidents;
using IocCenter.Analytics.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace IocCenter.Analytics.Agencies;

/// <summary>
/// A wrong routing, escalation or notification setting stops the start with a sentence saying which and why
/// (Vietnamese / English), instead of an incident that reaches nobody at three in the morning.
/// </summary>
internal sealed class RoutingValidation(IConfiguration configuration, Geography.Province? province = null) :
    IValidateOptions<RoutingOptions>, IValidateOptions<EscalationOptions>, IValidateOptions<NotificationOptions>
{
    private static readonly string[] Domains = ["traffic", "environment", "connectivity"];

    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!options.Agencies.ContainsKey(options.DefaultAgency))
        {
            errors.Add($"Routing:DefaultAgency \"{options.DefaultAgency}\" không có trong Routing:Agencies / is not an agency");
        }

        foreach (var (code, agency) in options.Agencies)
        {
            if (string.IsNullOrWhiteSpace(agency.Name))
            {
                errors.Add($"Routing:Agencies:{code}:Name trống / is empty");
            }

            Recipients($"Routing:Agencies:{code}:Notify", agency.Notify, errors);
            Recipients($"Routing:Agencies:{code}:Leaders", agency.Leaders, errors);
        }

        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            var at = $"Routing:Rules:{i}";
            if (!options.Agencies.ContainsKey(rule.Agency))
            {
                errors.Add($"{at}:Agency \"{rule.Agency}\" không có trong Routing:Agencies / is not an agency");
            }

            if (rule.Domain is { Length: > 0 } domain && !Domains.Contains(domain, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{at}:Domain \"{domain}\" phải là traffic, environment hoặc connectivity / must be traffic, environment or connectivity");
            }

            if (rule.Kind is { Length: > 0 } kind && !Enum.GetValues<IncidentKind>().Any(k => k.Code() == kind))
            {
                errors.Add($"{at}:Kind \"{kind}\" không phải loại sự cố / is not an incident kind");
            }

            if (rule.MinSeverity is { Length: > 0 } severity && !IsSeverity(severity))
            {
                errors.Add($"{at}:MinSeverity \"{severity}\" phải là warning, minor, major hoặc critical / must be warning, minor, major or critical");
            }

            foreach (var area in rule.Areas.Where(a => province is not null && province.FindArea(a) is null))
            {
                errors.Add($"{at}:Areas: \"{area}\" không phải mã xã, phường của tỉnh {province!.Name} / is not a commune or ward code of the province");
            }

            Recipients($"{at}:Notify", rule.Notify, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public ValidateOptionsResult Validate(string? name, EscalationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        foreach (var (severity, minutes) in options.AfterMinutes)
        {
            if (!IsSeverity(severity))
            {
                errors.Add($"Escalation:AfterMinutes:{severity}: không phải mức độ / is not a severity (warning, minor, major, critical)");
            }

            if (minutes is < 0 or > 10_080)
            {
                errors.Add($"Escalation:AfterMinutes:{severity} = {minutes}: phải từ 0 (không chuyển cấp) đến 10080 / must be 0 (never) to 10080");
            }
        }

        if (options.RemindEveryMinutes is < 1 or > 10_080)
        {
            errors.Add("Escalation:RemindEveryMinutes phải từ 1 đến 10080 / must be 1 to 10080");
        }

        if (options.CheckEvery <= TimeSpan.Zero || options.CheckEvery > TimeSpan.FromMinutes(5))
        {
            errors.Add("Escalation:CheckEvery phải trong khoảng (0, 5 phút] / must be in (0, 00:05:00]");
        }

        Recipients("Escalation:ShiftLeader", options.ShiftLeader, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"Notifications:BaseUrl \"{options.BaseUrl}\" phải là địa chỉ http(s) đầy đủ / must be an absolute http(s) address");
        }

        if (options.PollEvery <= TimeSpan.Zero || options.RetryFirst <= TimeSpan.Zero || options.RetryMax < options.RetryFirst || options.GiveUpAfter <= TimeSpan.Zero)
        {
            errors.Add("Notifications:PollEvery, RetryFirst, RetryMax (≥ RetryFirst), GiveUpAfter phải dương / must be positive");
        }

        if (options.HoldNewFor < TimeSpan.Zero || options.HoldNewFor > TimeSpan.FromMinutes(30))
        {
            errors.Add("Notifications:HoldNewFor phải từ 0 đến 30 phút / must be 0 to 00:30:00");
        }

        if (options.KeepSentFor < TimeSpan.FromDays(1))
        {
            errors.Add("Notifications:KeepSentFor phải ít nhất 1 ngày / must be at least one day");
        }

        if (options.DegradedAfterFailures < 1)
        {
            errors.Add("Notifications:DegradedAfterFailures phải ≥ 1 / must be at least 1");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsSeverity(string value) => Enum.GetValues<Severity>().Any(s => string.Equals(s.Code(), value, StringComparison.OrdinalIgnoreCase));

    /// <summary>Each recipient is <c>email:address</c>, <c>webhook:name</c> or <c>telegram:chat</c>, on a channel that is configured.</summary>
    private void Recipients(string at, List<string> recipients, List<string> errors)
    {
        foreach (var recipient in recipients)
        {
            var colon = recipient.IndexOf(':', StringComparison.Ordinal);
            var channel = colon > 0 ? recipient[..colon] : "";
            var address = colon > 0 ? recipient[(colon + 1)..].Trim() : "";
            if (address.Length == 0 || channel is not ("email" or "webhook" or "telegram"))
            {
                errors.Add($"{at}: \"{recipient}\" phải có dạng email:địa-chỉ, webhook:tên hoặc telegram:mã-chat / must be email:address, webhook:name or telegram:chat");
                continue;
            }

            var configured = NotificationChannels.Configured(configuration, channel, address);
            if (configured is not null)
            {
                errors.Add($"{at}: \"{recipient}\": {configured}");
            }
        }
    }
}
