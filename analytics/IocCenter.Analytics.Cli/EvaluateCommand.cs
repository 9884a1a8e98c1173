using System.Globalization;
using System.Text.Json;
using IocCenter.Analytics.Evaluation;
using IocCenter.Analytics.Incidents;
using IocCenter.Simulators.Fleet;
using IocCenter.Simulators.Scenarios;

namespace IocCenter.Analytics.Cli;

internal static class EvaluateCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static int Run(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        if (options.TryGetValue("--corpus", out var corpus))
        {
            return CorpusCommand.Run(corpus, options);
        }

        IReadOnlyList<TruthEpisode> truth;
        IReadOnlyList<RaisedIncident> raised;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (options.TryGetValue("--simulate", out var window))
        {
            var devices = int.Parse(options.GetValueOrDefault("--devices", "300"), CultureInfo.InvariantCulture);
            var fleet = new FleetOptions
            {
                Traffic = devices * 2 / 5,
                Environment = devices / 5,
                Connectivity = devices - (devices * 2 / 5) - (devices / 5),
                Seed = int.Parse(options.GetValueOrDefault("--seed", "42"), CultureInfo.InvariantCulture),
            };
            // The PCA models (on by default, as live) are trained from the warm-up day into a scratch folder.
            var models = options.GetValueOrDefault("--ml", "true") == "true" ? Path.Combine(Path.GetTempPath(), "iocc-eval-models-" + Guid.NewGuid().ToString("N")[..8]) : null;
            IReadOnlyList<SimulatedEvaluation.MlScore> ml;
            IReadOnlyList<TruthEpisode> t;
            IReadOnlyList<RaisedIncident> r;
            long samples;
            try
            {
                (t, r, samples, ml) = SimulatedEvaluation.Run(
                    fleet,
                    Simulators.Durations.Parse(window, "--simulate"),
                    Simulators.Durations.Parse(options.GetValueOrDefault("--interval", "60s"), "--interval"),
                    int.Parse(options.GetValueOrDefault("--episodes", "10"), CultureInfo.InvariantCulture),
                    options.GetValueOrDefault("--truth-out"),
                    models,
                    Geography.ProvincePack.Open(options.GetValueOrDefault("--province")),
                    double.Parse(options.GetValueOrDefault("--threshold", new AnalyticsOptions().AnomalyThreshold.ToString("R", CultureInfo.InvariantCulture)), NumberStyles.Float, CultureInfo.InvariantCulture),
                    options.GetValueOrDefault("--count-warm-up", "false") == "true");
            }
            finally
            {
                if (models is not null && Directory.Exists(models))
                {
                    Directory.Delete(models, recursive: true);
                }
            }

            (truth, raised) = (t, r);
            foreach (var m in ml)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"ML.NET AnomalyDetection.Evaluate, {m.Version}: {m.Readings:N0} readings ({m.Anomalous:N0} inside episodes), AUC {m.Auc:0.000}, detection rate at {m.FalsePositives} false positives {m.DetectionRateAtFalsePositives:0.000}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{devices} devices, {window} after a 24 h warm-up, {samples:N0} samples in {clock.Elapsed.TotalSeconds:0.0} s"));
        }
        else if (options.TryGetValue("--truth", out var truthPath) && options.TryGetValue("--incidents", out var database))
        {
            truth = ScenarioEpisode.ReadAll(truthPath).Select(e => new TruthEpisode(e.Kind, e.Device, e.Area, e.Start, e.End)).ToList();
            using var store = new IncidentStore(database);
            raised = store.All().Select(i => new RaisedIncident(i.Kind.Code(), i.DeviceId, i.Area, i.OpenedAt, i.Evidence.Detector + ": " + i.Evidence.Detail)).ToList();
        }
        else
        {
            Console.Error.WriteLine("Cần --simulate, hoặc --truth và --incidents / --simulate, or --truth and --incidents, is required.");
            return 2;
        }

        var scores = Evaluator.Evaluate(truth, raised);
        Console.WriteLine("kind                   episodes detected incidents explained precision recall   F1   delay p50   delay p95");
        foreach (var s in scores)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Kind,-22} {s.Episodes,8} {s.Detected,8} {s.Incidents,9} {s.Explained,9} {s.Precision,9:0.00} {s.Recall,6:0.00} {s.F1,5:0.00} {Seconds(s.MedianDelaySeconds),11} {Seconds(s.P95DelaySeconds),11}"));
        }

        if (options.GetValueOrDefault("--details") == "true")
        {
            var (missed, falseAlarms) = Evaluator.Errors(truth, raised);
            var byDetector = raised.Where(i => i.Kind == "anomaly" && i.Detail is not null)
                .GroupBy(i => i.Detail!.Split(':')[0]).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
            Console.WriteLine("anomaly incidents by detector / theo bộ phát hiện: " + string.Join(", ", byDetector));
            foreach (var e in missed)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bỏ sót / missed      {e.Kind,-15} {e.Device ?? "area:" + e.Area,-24} {e.Start:u} → {e.End:u}"));
            }

            foreach (var i in falseAlarms)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"báo nhầm / false     {i.Kind,-15} {i.Device ?? "area:" + i.Area,-24} {i.Opened:u} {i.Detail}"));
            }
        }

        if (options.TryGetValue("--json", out var json))
        {
            File.WriteAllText(json, JsonSerializer.Serialize(scores, Json));
        }

        return 0;
    }

    private static string Seconds(double? seconds) => seconds is { } s ? s.ToString("0", CultureInfo.InvariantCulture) + " s" : "—";
}
