using System.Buffers;
using IocCenter.Telemetry;

namespace IocCenter.Ingest.Pipeline;

/// <summary>What arrived while the previous group was being fsynced: made durable and acknowledged together.</summary>
internal sealed class CommitGroup
{
    public ArrayBufferWriter<byte> Lines { get; } = new(64 * 1024);

    public int LineCount { get; set; }

    public List<DeliveryAck> Acks { get; } = new(256);

    public List<DeadLetter> DeadLetters { get; } = [];

    /// <summary>Changes to the remembered retained rejects, made durable with the dead letters (see <see cref="DeadLetters.RetainedRejects"/>).</summary>
    public List<string> RetainedRejects { get; } = [];

    /// <summary>Per accepted message: when it was received and the timestamp of its newest reading (epoch ms).</summary>
    public List<(long ReceivedMs, long ReadingMs)> Accepted { get; } = new(256);

    public bool IsEmpty => Acks.Count == 0 && LineCount == 0 && DeadLetters.Count == 0 && RetainedRejects.Count == 0;

    public void Clear()
    {
        Lines.ResetWrittenCount();
        LineCount = 0;
        Acks.Clear();
        DeadLetters.Clear();
        RetainedRejects.Clear();
        Accepted.Clear();
    }
}
