using IocCenter.Analytics.Evaluation.Corpus;
/// <summary>For each labelled window: the rarest reading (−log10 p) the live score gives inside it or its grace, binned per dataset.</summary>
static class Missed
{
    public static void Run()
    {
        foreach (var folder in CorpusEvaluation.Datasets(Environment.GetEnvironmentVariable("CORPUS") ?? "../shared/anomaly-data"))
        {
            var ds = Path.GetFileName(folder);
            var labels = LabelledSeries.ReadLabels(Path.Combine(folder, "labels.json"));
            var bins = new int[12];
            var early = 0;
            foreach (var (file, w) in labels)
            {
                var s = LabelledSeries.Load(ds, Path.Combine(folder, file), w);
                var sc = CorpusEvaluation.LiveScores(s);
                foreach (var win in s.Windows)
                {
                    if (win.Start < 240) { early++; }
                    var best = 0.0;
                    for (var i = win.Start; i <= Math.Min(sc.Length - 1, win.End + 12); i++) if (!double.IsNaN(sc[i])) best = Math.Max(best, sc[i]);
                    var k = best >= 1 ? 11 : (int)Math.Clamp(Math.Floor(-Math.Log10(1 - best)), 0, 10);
                    bins[k]++;
                }
            }
            Console.WriteLine($"{ds}: windows by rarest reading, -log10 p bins 0..10, 11=score 1: {string.Join(" ", bins)}; windows starting before reading 240: {early}");
        }
    }
}
