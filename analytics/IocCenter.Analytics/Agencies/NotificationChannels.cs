using System.ComponentModel.DataAnnotations;
using IocCenter.Analytics.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IocCenter.Analytics.Agencies;

/// <summary>
/// The channels an admin configured: <c>Notifications:Email</c> (with a Host), each <c>Notifications:Webhooks:{name}</c>,
/// <c>Notifications:Telegram</c> (with a BotToken). A channel nobody configured does not exist, and a recipient on it
/// stops the start (<see cref="RoutingValidation"/>).
/// </summary>
internal static class NotificationChannels
{
    public const string Email = NotificationOptions.Section + ":Email";
    public const string Webhooks = NotificationOptions.Section + ":Webhooks";
    public const string Telegram = NotificationOptions.Section + ":Telegram";

    public static IReadOnlyList<string> Names(IConfiguration configuration)
    {
        var names = new List<string>();
        if (!string.IsNullOrWhiteSpace(configuration[Email + ":Host"]))
        {
            names.Add("email");
        }

        if (configuration.GetSection(Webhooks).GetChildren().Any())
        {
            names.Add("webhook");
        }

        if (!string.IsNullOrWhiteSpace(configuration[Telegram + ":BotToken"]))
        {
            names.Add("telegram");
        }

        return names;
    }

    public static void Add(IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        var names = Names(configuration);
        if (names.Contains("email"))
        {
            services.AddOptions<EmailOptions>().BindConfiguration(Email).ValidateDataAnnotations().ValidateOnStart();
            services.AddSingleton<INotificationChannel>(sp => new EmailChannel(
                Microsoft.Extensions.Options.Options.Create(Bind<EmailOptions>(configuration.GetSection(Email))).Value, sp.GetRequiredService<TimeProvider>()));
        }

        if (names.Contains("webhook"))
        {
            services.AddHttpClient("iocc-webhooks");
            services.AddSingleton<INotificationChannel>(sp => new WebhookChannel(
                configuration.GetSection(Webhooks).GetChildren().ToDictionary(c => c.Key, c => Bind<WebhookOptions>(c)),
                sp.GetRequiredService<IHttpClientFactory>().CreateClient("iocc-webhooks"),
                sp.GetRequiredService<TimeProvider>()));
        }

        if (names.Contains("telegram"))
        {
            services.AddHttpClient("iocc-telegram");
            services.AddSingleton<INotificationChannel>(sp => new TelegramChannel(
                Bind<TelegramOptions>(configuration.GetSection(Telegram)),
                sp.GetRequiredService<IHttpClientFactory>().CreateClient("iocc-telegram"),
                sp.GetRequiredService<TimeProvider>()));
        }
    }

    /// <summary>Why a recipient on <paramref name="channel"/> cannot be reached with this configuration, or null.</summary>
    public static string? Configured(IConfiguration configuration, string channel, string address)
    {
        switch (channel)
        {
            case "email":
                if (string.IsNullOrWhiteSpace(configuration[Email + ":Host"]))
                {
                    return "chưa cấu hình Notifications:Email:Host / Notifications:Email:Host is not set";
                }

                return MimeKit.MailboxAddress.TryParse(address, out _) && address.Contains('@', StringComparison.Ordinal) ? null : "địa chỉ e-mail không hợp lệ / not an e-mail address";
            case "webhook":
                var section = configuration.GetSection(Webhooks + ":" + address);
                if (!section.GetChildren().Any())
                {
                    return $"không có Notifications:Webhooks:{address} / no webhook named {address}";
                }

                var webhook = Bind<WebhookOptions>(section);
                var results = new List<ValidationResult>();
                return Validator.TryValidateObject(webhook, new ValidationContext(webhook), results, validateAllProperties: true)
                    ? null : string.Join("; ", results.Select(r => r.ErrorMessage));
            default:
                if (configuration[Telegram + ":ApiUrl"] is { Length: > 0 } api
                    && (!Uri.TryCreate(api, UriKind.Absolute, out var apiUri) || apiUri.AbsolutePath.Trim('/').Length > 0 || (apiUri.Scheme != Uri.UriSchemeHttp && apiUri.Scheme != Uri.UriSchemeHttps)))
                {
                    // Telegram.Bot drops a path: a Bot API server behind "https://host/tg" would never be reached.
                    return $"Notifications:Telegram:ApiUrl \"{api}\" phải chỉ gồm giao thức, máy và cổng, không có đường dẫn (ví dụ https://bot.dongthap.gov.vn:8081) / must be scheme, host and port only, no path";
                }

                return string.IsNullOrWhiteSpace(configuration[Telegram + ":BotToken"])
                    ? "chưa cấu hình Notifications:Telegram:BotToken / Notifications:Telegram:BotToken is not set"
                    : long.TryParse(address, out _) || (address.StartsWith('@') && address.Length > 1) ? null : "mã chat Telegram phải là số hoặc @tên-kênh / a Telegram chat is a number or @channel";
        }
    }

    private static T Bind<T>(IConfiguration section)
        where T : new()
    {
        var value = new T();
        section.Bind(value);
        return value;
    }
}
