using System.Text;
using System.Text.Json;

namespace IocCenter.Tests.Corpus;

/// <summary>
/// The hostile-input corpus under <c>tests/corpus/hostile/</c>: one file per case, each with the topic, the payload
/// (text, base64 bytes, or — for the big ones, not checked in as megabytes — a generator), and the reason it must be
/// rejected with. Unit tests run it through the ingest pipeline; integration tests through a real broker. A case
/// marked <c>retained</c> is a retained message: the broker sends it again on each new subscription, and ingest must
/// dead-letter it once only.
/// </summary>
internal sealed record HostileCase(string Name, string Description, string Topic, byte[] Payload, string Reason, bool BrokerRefuses, bool Retained = false)
{
    public static IReadOnlyList<HostileCase> All { get; } = Load();

    public override string ToString() => Name;

    private static List<HostileCase> Load()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "corpus", "hostile");
        return Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(file =>
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = json.RootElement;
            var payload = root.TryGetProperty("payload", out var text) ? Encoding.UTF8.GetBytes(text.GetString()!)
                : root.TryGetProperty("payloadBase64", out var bytes) ? Convert.FromBase64String(bytes.GetString()!)
                : Generate(root.GetProperty("generate"));
            return new HostileCase(
                Path.GetFileNameWithoutExtension(file),
                root.GetProperty("case").GetString()!,
                root.GetProperty("topic").GetString()!,
                payload,
                root.GetProperty("reason").GetString()!,
                root.TryGetProperty("brokerRefuses", out var refuses) && refuses.GetBoolean(),
                root.TryGetProperty("retained", out var retained) && retained.GetBoolean());
        }).ToList();
    }

    private static byte[] Generate(JsonElement spec)
    {
        const string Reading = """{"metrics":{"vehicle_count":1}}""";
        switch (spec.GetProperty("kind").GetString())
        {
            case "nested":
                var depth = spec.GetProperty("depth").GetInt32();
                return Encoding.UTF8.GetBytes("{\"deep\":" + new string('[', depth) + new string(']', depth) + ",\"metrics\":{\"vehicle_count\":1}}");
            case "padded":
                var size = spec.GetProperty("bytes").GetInt32();
                const string head = "{\"metrics\":{\"vehicle_count\":1},\"pad\":\"";
                return Encoding.UTF8.GetBytes(head + new string('a', size - head.Length - 2) + "\"}");
            case "batch":
                var count = spec.GetProperty("count").GetInt32();
                return Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat(Reading, count)) + "]");
            default:
                throw new InvalidDataException("unknown generator " + spec);
        }
    }
}
