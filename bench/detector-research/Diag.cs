using IocCenter.Analytics.Evaluation.Corpus;
static class Diag
{
    public static void Run(string spec, double t)
    {
        foreach (var folder in CorpusEvaluation.Datasets(Environment.GetEnvironmentVariable("CORPUS") ?? "../shared/anomaly-data"))
        {
            var ds = Path.GetFileName(folder);
            var labels = LabelledSeries.ReadLabels(Path.Combine(folder, "labels.json"));
            var buckets = new int[6]; // FA position: <100, <300, <1000, <3000, <10000, more
            int fa = 0, found = 0, windows = 0; var missedBy = 0;
            foreach (var (file, w) in labels)
            {
                var s = LabelledSeries.Load(ds, Path.Combine(folder, file), w);
                var sc = spec == "live" ? CorpusEvaluation.LiveScores(s) : Proto.Score(spec, s);
                bool inA = false;
                for (var i = 0; i < sc.Length; i++)
                {
                    var a = sc[i] >= t;
                    if (a && !inA && !s.Windows.Any(x => i >= x.Start && i <= x.End + 12))
                    {
                        fa++;
                        buckets[i < 100 ? 0 : i < 300 ? 1 : i < 1000 ? 2 : i < 3000 ? 3 : i < 10000 ? 4 : 5]++;
                    }
                    inA = a;
                }
            }
            Console.WriteLine($"{ds}: FA {fa}  by position <100 {buckets[0]}, <300 {buckets[1]}, <1k {buckets[2]}, <3k {buckets[3]}, <10k {buckets[4]}, more {buckets[5]}");
        }
    }
}
