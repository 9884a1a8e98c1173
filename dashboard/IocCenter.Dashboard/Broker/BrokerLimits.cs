namespace IocCenter.Dashboard.Broker;

/// <summary>What one client may cost the embedded broker (from <see cref="AllInOneOptions"/>).</summary>
internal sealed record BrokerLimits(int MaxPacketSize, int MaxConnections, int MaxConnectionsPerAddress, TimeSpan ConnectTimeout);
