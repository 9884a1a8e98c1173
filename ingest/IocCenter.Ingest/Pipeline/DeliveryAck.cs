using MQTTnet;

namespace IocCenter.Ingest.Pipeline;

/// <summary>The broker connection a message arrived on; a new connection starts a new generation.</summary>
internal sealed class ConnectionEpoch
{
    private int _generation;

    public int Current => Volatile.Read(ref _generation);

    public int Next() => Interlocked.Increment(ref _generation);
}

/// <summary>
/// How to acknowledge one delivery once it is durable. An acknowledgement is only sent on the connection the
/// message came on: after a reconnect, a packet identifier may name a different message, and the broker
/// redelivers anything unacknowledged anyway (writing it twice overwrites the point with itself).
/// </summary>
internal readonly record struct DeliveryAck(MqttApplicationMessageReceivedEventArgs? Delivery, ConnectionEpoch? Epoch, int Generation)
{
    public async ValueTask AcknowledgeAsync(CancellationToken cancellationToken)
    {
        if (Delivery is null || Epoch is null || Epoch.Current != Generation)
        {
            return;
        }

        await Delivery.AcknowledgeAsync(cancellationToken);
    }
}
