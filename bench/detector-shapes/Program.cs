// The review of 2026-12-04 (issue 16): hostile series shapes, each over SEEDS seeds (default 40), through SeriesDetector;
// prints alarm starts per shape (total, outside the shape's events, and per event: starts within 60 readings of it).
// dotnet run -c Release --project bench/detector-shapes [-- FILTER]; DETAIL=1 lists each seed's starts.
using System.Collections.Concurrent;
using IocCenter.Analytics.Detectors;

const double Th = 0.999999999;
var start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00").ToUnixTimeMilliseconds();
int seeds = int.Parse(Environment.GetEnvironmentVariable("SEEDS") ?? "40");
if (args.Length > 0 && args[0] == "size") { var t = typeof(SeriesDetector).GetNestedType("Calibrated", System.Reflection.BindingFlags.NonPublic)!; Console.WriteLine(typeof(System.Runtime.CompilerServices.Unsafe).GetMethod("SizeOf")!.MakeGenericMethod(t).Invoke(null, null)); return; }
var filter = args.Length > 0 ? args[0] : "";

static double G(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
static double T3(Random r) { var z = G(r); var c = G(r) * G(r) + G(r) * G(r) + G(r) * G(r); return z / Math.Sqrt(c / 3) / Math.Sqrt(3); }
static int Poisson(Random r, double l) { var L = Math.Exp(-l); int k = 0; double p = 1; do { k++; p *= r.NextDouble(); } while (p > L); return k - 1; }

// scenario: name, n, interval ms, generator (i, rng, state) -> value ; events: list of indexes (for reporting relative)
var sc = new List<(string name, int n, long iv, Func<Random, Func<int, double>> gen, int[] ev)>();
void S(string name, int n, long iv, Func<Random, Func<int, double>> gen, params int[] ev) => sc.Add((name, n, iv, gen, ev));
Func<Random, Func<int, double>> Off(Func<int, double> off, double sd = 2) => r => i => 50 + off(i) + sd * G(r);

// clean
S("clean_gauss_1s", 30000, 1000, Off(i => 0));
S("clean_gauss_1min", 10080, 60000, Off(i => 0));
S("clean_t3_1s", 30000, 1000, r => i => 50 + 2 * T3(r));
S("clean_quant_1s", 30000, 1000, r => i => Math.Round(50 + 0.6 * G(r)));
S("clean_quant2_1s", 30000, 1000, r => i => Math.Round(50 + 0.4 * G(r)));
S("clean_poisson03", 30000, 1000, r => i => Poisson(r, 0.3));
S("clean_poisson20", 30000, 1000, r => i => Poisson(r, 20));
S("clean_poisson5_1min", 10080, 60000, r => i => Poisson(r, 5));
S("clean_ar95_1s", 30000, 1000, r => { double x = 0; return i => { x = 0.95 * x + 0.6 * G(r); return 50 + x; }; });
S("clean_ar99_1s", 30000, 1000, r => { double x = 0; return i => { x = 0.99 * x + 0.3 * G(r); return 50 + x; }; });
S("clean_ar90_1min", 10080, 60000, r => { double x = 0; return i => { x = 0.9 * x + G(r); return 50 + x; }; });
S("clean_held", 30000, 1000, r => { double v = 20; return i => { if (r.NextDouble() < 0.01) v = Math.Round(20 + 3 * G(r)); return v; }; });
S("clean_heldwalk", 30000, 1000, r => { double v = 20; return i => { if (r.NextDouble() < 0.02) v += r.NextDouble() < 0.5 + (20 - v) * 0.05 ? 0.1 : -0.1; return Math.Round(v, 1); }; });
S("clean_daily_1min", 10080, 60000, r => i => 50 + 10 * Math.Sin(2 * Math.PI * i / 1440.0) + 2 * G(r));
S("clean_daily_sharp_1min", 10080, 60000, r => i => { var h = (i / 60) % 24; return 50 + (h >= 8 && h < 18 ? 20 : 0) + 2 * G(r); });
S("clean_daily_5min", 8064, 300000, r => i => 50 + 10 * Math.Sin(2 * Math.PI * i / 288.0) + 2 * G(r));
S("trend_slow_1s", 30000, 1000, Off(i => 0.0004 * i));
S("trend_fast_1s", 30000, 1000, Off(i => 0.004 * i));
S("trend_1min", 10080, 60000, Off(i => 0.005 * i));
S("randomwalk_1s", 30000, 1000, r => { double x = 50; return i => { x += 0.1 * G(r); return x + 2 * G(r); }; });
S("randomwalk_1min", 10080, 60000, r => { double x = 50; return i => { x += 0.3 * G(r); return x + 2 * G(r); }; });
S("varchange_x3", 30000, 1000, r => i => 50 + (i < 10000 ? 2 : 6) * G(r), 10000);
S("varchange_x0.3", 30000, 1000, r => i => 50 + (i < 10000 ? 2 : 0.6) * G(r), 10000);
// shifts and returns (sd 2)
foreach (var L in new[] { 20, 100, 1000, 10000 })
{
    foreach (var k in new[] { 2.0, 3.0, 5.0 })
        S($"shift{k}sd_ret{L}", 5000 + L + 3000, 1000, Off(i => i >= 5000 && i < 5000 + L ? 2 * k : 0), 5000, 5000 + L);
}
S("shift3_overshoot_-3", 10000, 1000, Off(i => i < 4000 ? 0 : i < 5000 ? 6 : i < 6000 ? -6 : 0), 4000, 5000, 6000);
S("shift5_overshoot_-5", 10000, 1000, Off(i => i < 4000 ? 0 : i < 5000 ? 10 : i < 6000 ? -10 : 0), 4000, 5000, 6000);
S("shift3_overshoot_-1.5", 10000, 1000, Off(i => i < 4000 ? 0 : i < 5000 ? 6 : i < 6000 ? -3 : 0), 4000, 5000, 6000);
S("shift3_then_+3", 10000, 1000, Off(i => i < 4000 ? 0 : i < 4500 ? 6 : i < 7000 ? 12 : 0), 4000, 4500, 7000);
S("shift3_then_+3_at100", 10000, 1000, Off(i => i < 4000 ? 0 : i < 4100 ? 6 : i < 7000 ? 12 : 0), 4000, 4100, 7000);
S("square3_p400", 12000, 1000, Off(i => i < 4000 ? 0 : ((i - 4000) / 400) % 2 == 0 ? 6 : 0), 4000);
S("square3_p100", 12000, 1000, Off(i => i < 4000 ? 0 : ((i - 4000) / 100) % 2 == 0 ? 6 : 0), 4000);
S("square2_p2000", 20000, 1000, Off(i => i < 4000 ? 0 : ((i - 4000) / 2000) % 2 == 0 ? 4 : 0), 4000);
S("ramp5_500_hold", 10000, 1000, Off(i => i < 4000 ? 0 : Math.Min(10, 10.0 * (i - 4000) / 500)), 4000);
S("ramp5_2000_hold", 10000, 1000, Off(i => i < 4000 ? 0 : Math.Min(10, 10.0 * (i - 4000) / 2000)), 4000);
S("ramp5_500_back", 10000, 1000, Off(i => i < 4000 ? 0 : i < 6000 ? Math.Min(10, 10.0 * (i - 4000) / 500) : Math.Max(0, 10 - 10.0 * (i - 6000) / 500)), 4000, 6000);
S("partial_ret_5to2", 12000, 1000, Off(i => i < 4000 ? 0 : i < 6000 ? 10 : 4), 4000, 6000);
S("partial_ret_5to1", 12000, 1000, Off(i => i < 4000 ? 0 : i < 6000 ? 10 : 2), 4000, 6000);
S("perm5_dip_to0_100", 16000, 1000, Off(i => i < 4000 ? 0 : i >= 12000 && i < 12100 ? 0 : 10), 4000, 12000, 12100);
S("perm5_drop_to-2_300", 16000, 1000, Off(i => i < 4000 ? 0 : i >= 12000 && i < 12300 ? -4 : 10), 4000, 12000, 12300);
S("perm3_dip_to1_300", 16000, 1000, Off(i => i < 4000 ? 0 : i >= 12000 && i < 12300 ? 2 : 6), 4000, 12000, 12300);
S("perm3_dip_to0_ramp", 16000, 1000, Off(i => i < 4000 ? 0 : i >= 12000 && i < 12300 ? 6 - Math.Min(6, 6.0 * (i - 12000) / 30) : 6), 4000, 12000, 12300);
S("perm2_dip_to0_300", 16000, 1000, Off(i => i < 4000 ? 0 : i >= 12000 && i < 12300 ? 0 : 4), 4000, 12000, 12300);
S("sentinel_on_shift", 10000, 1000, r => i => i == 6000 || i == 7000 ? 65535 : 50 + (i >= 4000 ? 6 : 0) + 2 * G(r), 4000, 6000, 7000);
S("gaps_irregular_shift", 12000, 1000, Off(i => i >= 6000 && i < 7000 ? 6 : 0), 6000, 7000);
S("shift3_1min_day4", 10080, 60000, r => i => 50 + 10 * Math.Sin(2 * Math.PI * i / 1440.0) + (i >= 5000 && i < 5600 ? 6 : 0) + 2 * G(r), 5000, 5600);
S("shift3_1min_day4_long", 10080, 60000, r => i => 50 + 10 * Math.Sin(2 * Math.PI * i / 1440.0) + (i >= 5000 && i < 8000 ? 6 : 0) + 2 * G(r), 5000, 8000);
S("shift3_1min_flat_long", 10080, 60000, Off(i => i >= 5000 && i < 8000 ? 6 : 0), 5000, 8000);
S("shift2_1min_flat_perm", 10080, 60000, Off(i => i >= 3000 ? 4 : 0), 3000);
S("ease_then_fall", 2000, 1000, Off(i => i < 600 ? 0 : i < 650 ? -3.2 : i < 656 ? -3.2 - 36.8 * (i - 649) / 6 : -40), 600, 650);
S("ease_then_fall10sd_ramp30", 2000, 1000, Off(i => i < 600 ? 0 : i < 700 ? -3.2 : i < 730 ? -3.2 - 16.8 * (i - 699) / 30 : -20), 600, 700);
S("small_then_drift", 20000, 1000, Off(i => i < 5000 ? 0 : i < 5100 ? 4 : 4 + 0.0005 * (i - 5100)), 5000);
S("int_shift_poisson20", 12000, 1000, r => i => Poisson(r, i >= 6000 && i < 7000 ? 35 : 20), 6000, 7000);
S("int_shift_poisson20_perm", 12000, 1000, r => i => Poisson(r, i >= 6000 ? 35 : 20), 6000);

S("heldwalk_1min", 10080, 60000, r => { double v = 20; return i => { if (r.NextDouble() < 0.05) v += r.NextDouble() < 0.5 + (20 - v) * 0.05 ? 0.1 : -0.1; return Math.Round(v, 1); }; });
S("temp_1min", 10080, 60000, r => { double x = 0; return i => { x = 0.98 * x + 0.05 * G(r); return Math.Round(25 + 3 * Math.Sin(2 * Math.PI * i / 1440.0) + x, 1); }; });
S("temp_1s", 30000, 1000, r => { double x = 0; return i => { x = 0.995 * x + 0.02 * G(r); return Math.Round(25 + x, 1); }; });
S("clean_ar99_1min", 10080, 60000, r => { double x = 0; return i => { x = 0.99 * x + 0.3 * G(r); return 50 + x; }; });
S("clean_ar97_1s", 30000, 1000, r => { double x = 0; return i => { x = 0.97 * x + 0.5 * G(r); return 50 + x; }; });
S("excur3_30_every600", 12000, 1000, Off(i => i >= 3000 && (i - 3000) % 600 < 30 ? 6 : 0), 3000);
S("excur3_60_every600", 12000, 1000, Off(i => i >= 3000 && (i - 3000) % 600 < 60 ? 6 : 0), 3000);
S("excur3_200_every2000", 24000, 1000, Off(i => i >= 3000 && (i - 3000) % 2000 < 200 ? 6 : 0), 3000);
S("excur5_60_every600", 12000, 1000, Off(i => i >= 3000 && (i - 3000) % 600 < 60 ? 10 : 0), 3000);
S("dutycycle_1min_20of60", 10080, 60000, Off(i => i % 60 < 20 ? 6 : 0));
S("excur3_1min_60_every360", 10080, 60000, Off(i => i >= 2000 && (i - 2000) % 360 < 60 ? 6 : 0), 2000);
S("square3_p400_1min", 10080, 60000, Off(i => i < 3000 ? 0 : ((i - 3000) / 400) % 2 == 0 ? 6 : 0), 3000);

var dets = new ConcurrentDictionary<string,int>();
var results = new ConcurrentDictionary<(int, int), List<int>>();
var chosen = sc.Select((s, k) => (s, k)).Where(x => filter == "" || x.s.name.Contains(filter)).ToList();
Parallel.ForEach(chosen.SelectMany(x => Enumerable.Range(1, seeds).Select(seed => (x.s, x.k, seed))), t =>
{
    var (s, k, seed) = t;
    var r = new Random(seed * 7919 + k);
    var gen = s.gen(r);
    var d = new SeriesDetector();
    var starts = new List<int>();
    var prev = 0.0;
    long ts = start;
    var irregular = s.name.StartsWith("gaps");
    for (var i = 0; i < s.n; i++)
    {
        if (irregular) ts += (long)(s.iv * (0.2 + 1.6 * r.NextDouble())) + (r.NextDouble() < 0.002 ? 3_600_000L : 0);
        else ts = start + i * s.iv;
        var v = gen(i);
        var o = d.Observe(ts, v); var score = o.Score;
        if (score >= Th && prev < Th) { starts.Add(i); dets.AddOrUpdate(s.name + ":" + o.Detector, 1, (_, c) => c + 1); }
        prev = score;
    }
    results[(k, seed)] = starts;
});
foreach (var (s, k) in chosen)
{
    var all = Enumerable.Range(1, seeds).Select(seed => results[(k, seed)]).ToList();
    int total = all.Sum(a => a.Count);
    // per-event window counts: starts in [ev, ev+60) ; "other" = rest
    var evc = s.ev.Select(e => all.Count(a => a.Any(x => x >= e && x < e + 60))).ToList();
    int other = all.Sum(a => a.Count(x => !s.ev.Any(e => x >= e && x < e + 60)));
    Console.WriteLine($"{s.name,-28} total {total,4} other {other,4} ev-hit {string.Join("/", evc)}");
    if (Environment.GetEnvironmentVariable("DETAIL") == "1")
        for (var seed = 1; seed <= seeds; seed++) if (all[seed - 1].Count > 0) Console.WriteLine($"   seed {seed}: {string.Join(",", all[seed - 1].Take(30))}{(all[seed - 1].Count > 30 ? "..." : "")}");
}

foreach (var kv in dets.OrderBy(k => k.Key)) Console.WriteLine($"  det {kv.Key} {kv.Value}");
