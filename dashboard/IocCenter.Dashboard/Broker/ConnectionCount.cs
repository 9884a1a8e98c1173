using System.Net;

namespace IocCenter.Dashboard.Broker;

/// <summary>
/// Open connections, in all and per IP address, against their caps. Thread-safe. The host's own address
/// (127.0.0.1, ::1) has no per-address cap: IocCenter's services connect from it; the total still holds.
/// </summary>
internal sealed class ConnectionCount(int maxTotal, int maxPerAddress)
{
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private int _total;

    public int Total
    {
        get
        {
            lock (_perAddress)
            {
                return _total;
            }
        }
    }

    /// <summary>Counts one more connection from <paramref name="address"/>, unless that would pass a cap.</summary>
    public bool TryAdd(IPAddress? address)
    {
        var key = address ?? IPAddress.None;
        lock (_perAddress)
        {
            var mine = _perAddress.GetValueOrDefault(key);
            if (_total >= maxTotal || (mine >= maxPerAddress && !key.Equals(IPAddress.Loopback) && !key.Equals(IPAddress.IPv6Loopback)))
            {
                return false;
            }

            _perAddress[key] = mine + 1;
            _total++;
            return true;
        }
    }

    public void Remove(IPAddress? address)
    {
        var key = address ?? IPAddress.None;
        lock (_perAddress)
        {
            if (_perAddress.TryGetValue(key, out var mine))
            {
                if (mine <= 1)
                {
                    _perAddress.Remove(key);
                }
                else
                {
                    _perAddress[key] = mine - 1;
                }

                _total--;
            }
        }
    }
}
