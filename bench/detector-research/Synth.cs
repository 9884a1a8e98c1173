static class Synth
{
    static double G(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
    public static void Run(int before, int ease, double easeSd, int ramp, double fallSd, int fall, int after)
    {
        var start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00").ToUnixTimeMilliseconds();
        int missed = 0, extra = 0;
        for (var seed = 1; seed <= 20; seed++)
        {
            var r = new Random(seed); var d = new IocCenter.Analytics.Detectors.SeriesDetector();
            var sc = new List<double>();
            var ts = Environment.GetEnvironmentVariable("TSEED"); var tf = int.Parse(Environment.GetEnvironmentVariable("TFROM") ?? "0"); var tt = int.Parse(Environment.GetEnvironmentVariable("TTO") ?? "0");
            TraceHook.Set(ts == seed.ToString() ? m => { if (sc.Count >= tf && sc.Count <= tt) Console.WriteLine($"{sc.Count - before} {m}"); } : null);
            void Add(double off) => sc.Add(d.Observe(start + sc.Count * 1000L, 50 + off + 2 * G(r)).Score);
            for (var i = 0; i < before; i++) Add(0);
            for (var i = 0; i < ease; i++) Add(-2 * easeSd);
            for (var i = 0; i < ramp; i++) Add(-2 * easeSd - 2 * (fallSd - easeSd) * (i + 1) / ramp);
            for (var i = 0; i < fall; i++) Add(-2 * fallSd);
            for (var i = 0; i < after; i++) Add(0);
            var starts = new List<int>();
            for (var i = 1; i < sc.Count; i++) if (sc[i] >= 0.999999999 && sc[i - 1] < 0.999999999) starts.Add(i - before);
            var fallStart = ease; var hit = starts.Any(s => s >= fallStart && s < fallStart + ramp + 30);
            if (!hit) missed++;
            extra += starts.Count(s => s < 0 || s >= ease + ramp + fall);
            var best = sc.Skip(before + ease).Take(ramp + 30).Max();
            Console.WriteLine($"seed {seed}: starts {string.Join(",", starts)} fall best p {1 - best:0.#e0} {(hit ? "" : "MISSED")}");
        }
        Console.WriteLine($"missed {missed}/20, starts outside {extra}");
    }
}
static class LearnCase
{
    public static void Run(int from, int to)
    {
        var start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00").ToUnixTimeMilliseconds();
        var r = new Random(5); var d = new IocCenter.Analytics.Detectors.SeriesDetector();
        var i = 0;
        TraceHook.Set(m => { if (i >= from && i <= to) Console.WriteLine($"{i} {m}"); });
        for (; i < 48 * 60; i++)
        {
            var v = 120 + r.NextDouble() + (i >= 24 * 60 - 5 && i < 25 * 60 ? 30 : 0);
            var s = d.Observe(start + i * 60_000L, v);
            if (i >= from && i <= to) Console.WriteLine($"{i}   => {s.Score:R} {s.Detector}");
        }
    }
}
