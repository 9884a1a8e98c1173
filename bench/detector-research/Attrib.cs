using IocCenter.Analytics.Evaluation.Corpus;
/// <summary>At a threshold: which detector started each alarm, split into found windows and false alarms, per dataset.</summary>
static class Attrib
{
    public static void Run(double t)
    {
        foreach (var folder in CorpusEvaluation.Datasets(Environment.GetEnvironmentVariable("CORPUS") ?? "../shared/anomaly-data"))
        {
            var ds = Path.GetFileName(folder);
            var labels = LabelledSeries.ReadLabels(Path.Combine(folder, "labels.json"));
            var found = new Dictionary<string, int>(); var fa = new Dictionary<string, int>();
            int windows = 0; var perSeries = new Dictionary<string, int>();
            foreach (var (file, w) in labels)
            {
                var s = LabelledSeries.Load(ds, Path.Combine(folder, file), w);
                var d = new IocCenter.Analytics.Detectors.SeriesDetector();
                var det = new string?[s.Values.Count]; var sc = new double[s.Values.Count];
                for (var i = 0; i < sc.Length; i++)
                {
                    if (double.IsNaN(s.Values[i])) { sc[i] = double.NaN; continue; }
                    var r = d.Observe(s.TimesMs[i], s.Values[i]); sc[i] = r.Score; det[i] = r.Detector;
                }
                if (Environment.GetEnvironmentVariable("DUMP") is { } dump && file.StartsWith(dump))
                    foreach (var win in s.Windows) for (var j = Math.Max(0, win.Start - 3); j <= Math.Min(sc.Length - 1, win.End + 3); j++) Console.WriteLine($"      {j} v={s.Values[j]} score={sc[j]:R} {det[j]}");
                windows += s.Windows.Count;
                var hit = new bool[s.Windows.Count];
                bool inA = false;
                for (var i = 0; i < sc.Length; i++)
                {
                    var a = sc[i] >= t;
                    if (a && !inA)
                    {
                        var k = det[i] ?? "?";
                        var wi = -1;
                        for (var j = 0; j < s.Windows.Count; j++) if (i >= s.Windows[j].Start && i <= s.Windows[j].End + 12) { wi = j; break; }
                        if (wi < 0 && Environment.GetEnvironmentVariable("SHOW") is { } show && file.StartsWith(show)) Console.WriteLine($"      FA {i} {k} v={s.Values[i]} prev=[{string.Join(",", Enumerable.Range(Math.Max(0, i - 8), Math.Min(8, i)).Select(j => s.Values[j]))}] next=[{string.Join(",", Enumerable.Range(i + 1, Math.Min(4, sc.Length - i - 1)).Select(j => s.Values[j]))}]");
                        if (wi < 0) { fa[k] = fa.GetValueOrDefault(k) + 1; var key = file[..Math.Min(24, file.Length)] + " " + k + " n=" + sc.Length; perSeries[key] = perSeries.GetValueOrDefault(key) + 1; }
                        else if (!hit[wi]) { hit[wi] = true; found[k] = found.GetValueOrDefault(k) + 1; if (Environment.GetEnvironmentVariable("FOUNDS") == "1") Console.WriteLine($"   found {file} w{wi} by {k}"); }
                    }
                    if (!double.IsNaN(sc[i])) inA = a;
                }
            }
            if (Environment.GetEnvironmentVariable("PERSERIES") == "1") foreach (var (k, v) in perSeries.OrderByDescending(x => x.Value)) Console.WriteLine($"   {k} {v}");
            Console.WriteLine($"{ds}: windows {windows}; found by " + string.Join(", ", found.OrderBy(x => x.Key).Select(x => $"{x.Key} {x.Value}")) + "; false by " + string.Join(", ", fa.OrderBy(x => x.Key).Select(x => $"{x.Key} {x.Value}")));
        }
    }
}
