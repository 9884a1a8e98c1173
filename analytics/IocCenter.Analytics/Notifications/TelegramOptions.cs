using System.ComponentModel.DataAnnotations;

namespace IocCenter.Analytics.Notifications;

/// <summary>The bot of the <c>telegram</c> channel. A province may run its own Bot API server and point <see cref="ApiUrl"/> at it.</summary>
public sealed class TelegramOptions
{
    /// <summary>The token BotFather gave: <c>123456789:AA...</c>.</summary>
    [Required]
    public string BotToken { get; set; } = "";

    [Required]
    public string ApiUrl { get; set; } = "https://api.telegram.org";
}
