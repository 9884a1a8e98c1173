using System.Globalization;
using IocCenter.Analytics.Evaluation.Corpus;

var corpus = Environment.GetEnvironmentVariable("CORPUS") ?? Path.GetFullPath("../shared/anomaly-data");
var spec = args.Length > 0 ? args[0] : "live";
var prior = Environment.GetEnvironmentVariable("PRIOR");
if (prior == "cheb") Multi.PriorTail = Tail.Cheb; else if (prior == "cant") Multi.PriorTail = Tail.Cantelli; else if (prior == "cubic") Multi.PriorTail = Tail.Cubic;
if (args.Length > 0 && args[0] == "synth") { Synth.Run(int.Parse(args[1]), int.Parse(args[2]), double.Parse(args[3]), int.Parse(args[4]), double.Parse(args[5]), int.Parse(args[6]), int.Parse(args[7])); return; }
if (args.Length > 0 && args[0] == "learncase") { LearnCase.Run(int.Parse(args[1]), int.Parse(args[2])); return; }
if (args.Length > 0 && args[0] == "trace") { TraceRun.Run(args[1], args[2], int.Parse(args[3]), int.Parse(args[4])); return; }
if (args.Length > 0 && args[0] == "simdev") { SimDev.Run(int.Parse(args[1]), args[2], args[3], args.Length > 4 ? int.Parse(args[4]) : 48); return; }
if (args.Length > 0 && args[0] == "missed") { Missed.Run(); return; }
if (args.Length > 1 && args[0] == "attrib") { Attrib.Run(double.Parse(args[1], CultureInfo.InvariantCulture)); return; }
if (args.Length > 2 && args[1] == "diag") { Diag.Run(spec, double.Parse(args[2], CultureInfo.InvariantCulture)); return; }
var only = args.Length > 1 ? args[1] : null;
double[] sweep = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999, 0.99995, 0.99999, 0.999999, 0.9999999, 0.99999999, 0.999999999, 0.9999999999];
Func<LabelledSeries, double[]> scorer = spec == "live" ? CorpusEvaluation.LiveScores : s => Proto.Score(spec, s);
var root = corpus;
var sw = System.Diagnostics.Stopwatch.StartNew();
var report = CorpusEvaluation.Run(root, 0.99, sweep, scorer);
Console.WriteLine($"{spec}  ({sw.Elapsed.TotalSeconds:0.0}s)");
foreach (var t in report.Sweep)
{
    var parts = string.Join("  ", t.Datasets.Select(d => $"{d.Dataset[..4]} {d.Counts.F1:0.000} (P{d.Counts.Precision:0.00} R{d.Counts.Recall:0.00})"));
    Console.WriteLine($"t={t.Threshold,-10} all {t.Overall.Counts.F1:0.000} (P{t.Overall.Counts.Precision:0.00} R{t.Overall.Counts.Recall:0.00} fa/10k {t.Overall.Counts.FalseAlarmsPer10kReadings:0.0})  {parts}");
}
// rotation: choose threshold on two datasets, report third
var names = report.Sweep[0].Datasets.Select(d => d.Dataset).ToList();
foreach (var held in names)
{
    var best = report.Sweep.MaxBy(t => { var c = t.Datasets.Where(d => d.Dataset != held).Aggregate(EventCounts.Empty, (a, d) => a.Add(d.Counts)); return c.F1; })!;
    var h = best.Datasets.First(d => d.Dataset == held).Counts;
    var tr = best.Datasets.Where(d => d.Dataset != held).Aggregate(EventCounts.Empty, (a, d) => a.Add(d.Counts));
    Console.WriteLine($"held {held[..4]}: t={best.Threshold} train F1 {tr.F1:0.000}  held F1 {h.F1:0.000}  overall {best.Overall.Counts.F1:0.000}");
}
