using System.Net;
using System.Net.Sockets;

namespace IocCenter.IntegrationTests;

/// <summary>
/// A port a test's host can listen on. Not the kernel's pick of an ephemeral port: a port from that range, free when
/// asked, can be taken a moment later by any outgoing connection (the browser's, the test's own HTTP client) before
/// the host binds it, and the host then fails with "address already in use". These come from below the ephemeral
/// range, at random (test assemblies run side by side), never the same twice in one process.
/// </summary>
internal static class FreePorts
{
    private static readonly HashSet<int> Given = [];
    private static readonly Lock Gate = new();

    public static int Next()
    {
        var (low, high) = (20_000, EphemeralLow());
        lock (Gate)
        {
            for (var attempt = 0; attempt < 1_000; attempt++)
            {
                var port = Random.Shared.Next(low, high);
                if (!Given.Contains(port) && CanListen(port))
                {
                    Given.Add(port);
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"no free port between {low} and {high}");
    }

    private static bool CanListen(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port the kernel hands out to outgoing connections (Linux: 32768 by default).</summary>
    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], out var low) && low > 21_000 ? low : 32_768;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return 32_768;
        }
    }
}
