using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using IocCenter.Analytics.Notifications;
using MimeKit;

namespace IocCenter.Tests.Analytics.Notifications;

/// <summary>The e-mail channel against a real SMTP server (aiosmtpd) on loopback.</summary>
public sealed class EmailChannelTests : IDisposable
{
    private readonly AiosmtpdServer smtp = new();

    public void Dispose() => smtp.Dispose();

    private EmailChannel Channel(int? port = null) =>
        new(new EmailOptions { Host = "127.0.0.1", Port = port ?? smtp.Port, Security = "none", From = "Trung tâm IOC <ioc@tinh.gov.vn>" }, TimeProvider.System);

    [Fact]
    public async Task SendAsync_RealServer_StoresVietnameseMessageWithKeyHeaders()
    {
        var notification = SampleNotifications.Make("email", "Trực ban <truc-ban@tinh.gov.vn>");

        await Channel().SendAsync(notification, CancellationToken.None);

        var message = Assert.Single(smtp.Messages());
        Assert.Equal(SampleNotifications.Title, message.Subject);
        Assert.Equal(SampleNotifications.Text, message.TextBody!.ReplaceLineEndings("\n").TrimEnd('\n'));
        Assert.Equal("truc-ban@tinh.gov.vn", Assert.IsType<MailboxAddress>(Assert.Single(message.To)).Address);
        var from = Assert.IsType<MailboxAddress>(Assert.Single(message.From));
        Assert.Equal(("Trung tâm IOC", "ioc@tinh.gov.vn"), (from.Name, from.Address));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(notification.Key)));
        Assert.Equal($"{hash}@iocc", message.MessageId);
        Assert.Equal(notification.Key, message.Headers["X-IocCenter-Key"]);
    }

    [Fact]
    public async Task SendAsync_SameKeyTwice_SameMessageId()
    {
        var notification = SampleNotifications.Make("email", "truc-ban@tinh.gov.vn");

        await Channel().SendAsync(notification, CancellationToken.None);
        await Channel().SendAsync(notification, CancellationToken.None);

        var ids = smtp.Messages().Select(m => m.MessageId).Distinct().ToList();
        Assert.Equal(2, smtp.Messages().Count);
        Assert.Single(ids);
    }

    [Fact]
    public async Task SendAsync_TitleWithLineBreaks_StaysOneSubjectNoInjectedHeader()
    {
        var title = "Sự cố \"A\"\r\nBcc: ke-gian@example.com\nX-Injected: 1";

        await Channel().SendAsync(SampleNotifications.Make("email", "truc-ban@tinh.gov.vn", title: title), CancellationToken.None);

        var message = Assert.Single(smtp.Messages());
        Assert.Empty(message.Bcc);
        Assert.DoesNotContain(message.Headers, h => h.Field == "X-Injected");
        Assert.StartsWith("Sự cố \"A\"", message.Subject);
        Assert.Contains("ke-gian@example.com", message.Subject);
    }

    [Fact]
    public async Task SendAsync_ServerDown_ThrowsQuickly()
    {
        var closedPort = LoopbackHttpServer.FreePort();
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<Exception>(() => Channel(closedPort).SendAsync(SampleNotifications.Make("email", "a@b.vn"), CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("không phải địa chỉ")]
    [InlineData("truc-ban")]
    [InlineData("a@b.vn, c@d.vn")]
    [InlineData("")]
    public async Task SendAsync_InvalidRecipient_ThrowsFormatExceptionWithReason(string recipient)
    {
        var error = await Assert.ThrowsAsync<FormatException>(() => Channel().SendAsync(SampleNotifications.Make("email", recipient), CancellationToken.None));

        Assert.Contains(" / ", error.Message);
        Assert.Empty(smtp.Messages());
    }

    [Fact]
    public void Constructor_UnknownSecurity_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => new EmailChannel(
            new EmailOptions { Host = "127.0.0.1", Security = "tls", From = "ioc@tinh.gov.vn" }, TimeProvider.System));

        Assert.Contains("starttls", error.Message);
    }
}
