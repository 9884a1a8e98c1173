using System.Diagnostics;
using System.Net.Sockets;
using MimeKit;

namespace IocCenter.Tests.Analytics.Notifications;

/// <summary>
/// Debian's aiosmtpd (package python3-aiosmtpd, installed by test.sh) as a real SMTP server on a free loopback port,
/// storing what it accepts in a Maildir. Debian's own python3 is used: a pyenv or venv python3 on PATH lacks the module.
/// </summary>
internal sealed class AiosmtpdServer : IDisposable
{
    private readonly Process process;
    private readonly string maildir = Path.Combine(Path.GetTempPath(), "iocc-smtp-" + Guid.NewGuid().ToString("N"));

    public AiosmtpdServer()
    {
        Port = LoopbackHttpServer.FreePort();
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", maildir },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        WaitUntilListening();
    }

    public int Port { get; }

    /// <summary>The messages the server has stored; it writes each before it answers 250 to DATA.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var folder = Path.Combine(maildir, "new");
        return Directory.Exists(folder) ? Directory.GetFiles(folder).Select(path => MimeMessage.Load(path)).ToList() : [];
    }

    private void WaitUntilListening()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"aiosmtpd exited with {process.ExitCode} (apt-get install python3-aiosmtpd?): {process.StandardError.ReadToEnd()}");
            }

            try
            {
                using var probe = new TcpClient();
                probe.Connect("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                process.WaitForExit(50); // returns at once if it dies, else paces the next probe
            }
        }

        throw new TimeoutException($"aiosmtpd did not listen on 127.0.0.1:{Port} within 20 s");
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
        if (Directory.Exists(maildir))
        {
            Directory.Delete(maildir, recursive: true);
        }
    }
}
