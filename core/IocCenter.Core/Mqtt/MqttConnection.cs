using MQTTnet;
using MQTTnet.Formatter;

namespace IocCenter.Mqtt;

/// <summary>
/// Builds MQTTnet client options from an <c>mqtt://</c> or <c>mqtts://</c> URL; plain TCP goes over a
/// <see cref="CoalescingSocketStream"/> (buffered reads, coalesced writes).
/// </summary>
public static class MqttConnection
{
    public static MqttClientOptionsBuilder Options(Uri url, string clientId, string? username, string? password)
    {
        ArgumentNullException.ThrowIfNull(url);
        var tls = url.Scheme switch
        {
            "mqtt" or "tcp" => false,
            "mqtts" or "ssl" => true,
            _ => throw new ArgumentException($"MQTT URL '{url}' must start with mqtt:// or mqtts://.", nameof(url)),
        };

        var builder = new MqttClientOptionsBuilder()
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTcpServer(url.Host, url.IsDefaultPort || url.Port <= 0 ? (tls ? 8883 : 1883) : url.Port)
            .WithClientId(clientId)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (tls)
        {
            // MQTTnet's own channel does the TLS handshake; the coalescing stream is for plain TCP only.
            builder.WithTlsOptions(o => o.UseTls());
        }
        else
        {
            builder.WithStreamProvider(CoalescingSocketStream.Provider);
        }

        var (user, secret) = (username, password);
        if (string.IsNullOrEmpty(user) && !string.IsNullOrEmpty(url.UserInfo))
        {
            var parts = url.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            secret = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null;
        }

        if (!string.IsNullOrEmpty(user))
        {
            builder.WithCredentials(user, secret ?? string.Empty);
        }

        return builder;
    }
}
