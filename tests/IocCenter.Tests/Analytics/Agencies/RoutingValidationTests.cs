using IocCenter.Analytics.Agencies;
using IocCenter.Analytics.Notifications;
using IocCenter.Geography;
using IocCenter.Tests.Geography;
using Microsoft.Extensions.Configuration;

namespace IocCenter.Tests.Analytics.Agencies;

/// <summary>A wrong routing, escalation or notification setting stops the start with a sentence naming the key.</summary>
public sealed class RoutingValidationTests
{
    private static readonly Province TestProvince = ProvincePack.Open(TestPack.Source);

    private static RoutingValidation With(params (string Key, string Value)[] settings) => new(
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(), TestProvince);

    [Fact]
    public void Validate_Defaults_Pass()
    {
        var validation = With();
        Assert.True(validation.Validate(null, new RoutingOptions()).Succeeded);
        Assert.True(validation.Validate(null, new EscalationOptions()).Succeeded);
        Assert.True(validation.Validate(null, new NotificationOptions()).Succeeded);
    }

    [Fact]
    public void Validate_RuleWithACommuneTheProvinceDoesNotHave_NamesTheKey()
    {
        var known = TestProvince.Areas[0].Code;
        var options = new RoutingOptions { Rules = [new RoutingRule { Areas = [known, "99999"], Agency = RoutingOptions.Construction }] };
        var result = With().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Routing:Rules:0:Areas: \"99999\"", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(known, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("email:truc@soxd.gov.vn", "Notifications:Email:Host")]
    [InlineData("webhook:phieu", "no webhook named phieu")]
    [InlineData("telegram:-100123", "Notifications:Telegram:BotToken")]
    [InlineData("sms:0912345678", "must be email:address")]
    [InlineData("email:", "must be email:address")]
    public void Validate_RecipientOnAChannelNotConfigured_SaysWhichAndWhy(string recipient, string expected)
    {
        var options = new RoutingOptions();
        options.Agencies[RoutingOptions.Construction].Notify.Add(recipient);
        var result = With().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Routing:Agencies:so-xay-dung:Notify", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TelegramApiUrlWithAPath_Refused()
    {
        var options = new RoutingOptions();
        options.Agencies[RoutingOptions.Construction].Notify.Add("telegram:-100123");
        var result = With(("Notifications:Telegram:BotToken", "123:abc"), ("Notifications:Telegram:ApiUrl", "https://bot.tinh.gov.vn/tg")).Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Notifications:Telegram:ApiUrl", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(With(("Notifications:Telegram:BotToken", "123:abc"), ("Notifications:Telegram:ApiUrl", "https://bot.tinh.gov.vn:8081")).Validate(null, options).Succeeded);
    }
}
