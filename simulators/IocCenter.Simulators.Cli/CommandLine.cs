using System.Globalization;
using IocCenter.Simulators.Fleet;
using MQTTnet.Protocol;

namespace IocCenter.Simulators.Cli;

/// <summary>The simulator's options, with bilingual help.</summary>
internal static class CommandLine
{
    public const string Help = """
        iocc-simulate — đội thiết bị mô phỏng / simulated device fleet, spread over the province pack's communes

        Tuỳ chọn / Options:
          --broker URL          broker MQTT (mặc định/default mqtt://127.0.0.1:1883)
          --province DIR        gói tỉnh / province pack folder (also --Province:Path; default: the packaged Đồng Tháp)
          --username U --password P
          --traffic N           thiết bị giao thông / traffic devices (120)
          --environment N       trạm môi trường / air-quality stations (60)
          --connectivity N      điểm mạng / network access points (120)
          --interval T          chu kỳ gửi mỗi thiết bị / per-device interval, e.g. 5s, 500ms (5s)
          --rate R|max          tốc độ cả đội (tin/giây) hoặc max / fleet-wide messages per second, or max
          --count N             dừng sau N tin / stop after N messages
          --duration T          dừng sau T / stop after T, e.g. 10m
          --qos 0|1             (1)
          --seed N              hạt giống ngẫu nhiên / random seed (42)
          --start ISO-8601      thời gian mô phỏng / simulated time of the first reading
          --prefix P            tiền tố mã thiết bị / device id prefix (dt)
          --registry-out FILE   ghi danh bạ thiết bị JSON / write the device registry (JSON)
          --registry-only true  chỉ ghi danh bạ rồi thoát / write the registry and exit
          --in-flight N         số tin chờ PUBACK mỗi thiết bị / publishes awaiting PUBACK per device (1)
          --scenarios N         số bất thường gắn nhãn mỗi loại / labelled anomalies of each kind to inject (0)
          --scenario-window T   khoảng thời gian rải bất thường / time to spread them over (--duration or 24h)
          --truth-out FILE      ghi nhãn thật (JSON lines) / write the ground truth as JSON lines
        """;

    public static (FleetOptions Options, string? RegistryOut, bool RegistryOnly, string? TruthOut, string? ProvincePath) Parse(string[] args)
    {
        var options = new FleetOptions();
        string? registryOut = null, truthOut = null, provincePath = null;
        var registryOnly = false;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            var value = i + 1 < args.Length ? args[++i] : throw new FormatException($"{name} needs a value");
            switch (name)
            {
                case "--broker": options.BrokerUrl = new Uri(value); break;
                case "--username": options.Username = value; break;
                case "--password": options.Password = value; break;
                case "--traffic": options.Traffic = Int(value, name); break;
                case "--environment": options.Environment = Int(value, name); break;
                case "--connectivity": options.Connectivity = Int(value, name); break;
                case "--interval": options.Interval = Duration(value, name); break;
                case "--rate" when value == "max": options.Pacing = Pacing.Flood; break;
                case "--rate":
                    options.Pacing = Pacing.Rate;
                    options.Rate = double.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--count": options.Count = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "--duration": options.Duration = Duration(value, name); break;
                case "--qos": options.Qos = value == "0" ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce; break;
                case "--seed": options.Seed = Int(value, name); break;
                case "--start": options.Start = DateTimeOffset.Parse(value, CultureInfo.InvariantCulture); break;
                case "--prefix": options.Prefix = value; break;
                case "--in-flight": options.MaxInFlightPerDevice = Int(value, name); break;
                case "--registry-out": registryOut = value; break;
                case "--registry-only": registryOnly = bool.Parse(value); break;
                case "--scenarios": options.Scenarios = Int(value, name); break;
                case "--scenario-window": options.ScenarioWindow = Duration(value, name); break;
                case "--truth-out": truthOut = value; break;
                case "--province" or "--Province:Path": provincePath = value; break;
                default: throw new FormatException($"unknown option {name}");
            }
        }

        return (options, registryOut, registryOnly, truthOut, provincePath);
    }

    public static TimeSpan Duration(string value, string name) => Durations.Parse(value, name);

    private static int Int(string value, string name) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"{name}: '{value}' is not a number");
}
