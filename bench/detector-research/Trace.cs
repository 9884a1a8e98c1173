using IocCenter.Analytics.Evaluation.Corpus;
static class TraceRun
{
    public static void Run(string ds, string file, int from, int to)
    {
        var folder = Path.Combine(Environment.GetEnvironmentVariable("CORPUS") ?? "../shared/anomaly-data", ds);
        var labels = LabelledSeries.ReadLabels(Path.Combine(folder, "labels.json"));
        var s = LabelledSeries.Load(ds, Path.Combine(folder, file), labels[file]);
        var d = new IocCenter.Analytics.Detectors.SeriesDetector();
        var i = 0;
        TraceHook.Set(m => { if (i >= from && i <= to) Console.WriteLine($"{i} {m}"); });
        for (; i < s.Values.Count; i++)
        {
            if (double.IsNaN(s.Values[i])) continue;
            var r = d.Observe(s.TimesMs[i], s.Values[i]);
            if (i >= from && i <= to) Console.WriteLine($"{i}   => {r.Score:R} {r.Detector}");
        }
        Console.WriteLine(string.Join(" ", s.Windows.Select(w => $"[{w.Start},{w.End}]")));
    }
}

/// <summary>
/// Sets the calibrated stage's trace (a static <c>Action&lt;string&gt; Trace</c> on SeriesDetector) when the build has one:
/// main has none; bench/detector-research/patches/calibrated-trace.patch shows the line to add (against the stage before the restart of 2026-12-04: add it by hand) (one line per judged reading: mean, deviation, CUSUMs, p, anchor, flags).
/// </summary>
static class TraceHook
{
    public static void Set(Action<string>? trace) =>
        typeof(IocCenter.Analytics.Detectors.SeriesDetector).GetField("Trace", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.SetValue(null, trace);
}
