using System.ComponentModel.DataAnnotations;

namespace IocCenter.Analytics.Notifications;

/// <summary>The SMTP relay for the <c>email</c> channel. Bound from <c>Notifications:Email</c>; without a Host there is no e-mail channel.</summary>
public sealed class EmailOptions
{
    public const string Section = "Notifications:Email";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary><c>auto</c> (STARTTLS when offered, TLS on 465), <c>none</c>, <c>starttls</c> (required) or <c>ssl</c> (TLS from the first byte).</summary>
    [Required, RegularExpression("^(auto|none|starttls|ssl)$")]
    public string Security { get; set; } = "auto";

    /// <summary>The channel authenticates only when a user is set.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender, with or without a display name: <c>Trung tâm IOC &lt;ioc@tinh.gov.vn&gt;</c>.</summary>
    [Required]
    public string From { get; set; } = "";
}
