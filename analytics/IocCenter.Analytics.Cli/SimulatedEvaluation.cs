using System.Buffers;
using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Evaluation;
using IocCenter.Analytics.Incidents;
using IocCenter.Simulators.Fleet;
using IocCenter.Simulators.Scenarios;
using IocCenter.Telemetry;

namespace IocCenter.Analytics.Cli;

/// <summary>
/// The simulator's fleet in simulated time through the same detector set as live, with labelled anomalies
/// injected after a warm-up day: the raised incidents against the ground truth, no broker or store in between.
/// </summary>
internal static class SimulatedEvaluation
{
    /// <summary>ML.NET's anomaly metrics for one domain's PCA model on the evaluated day's labelled readings.</summary>
    public sealed record MlScore(string Domain, string Version, int Readings, int Anomalous, double Auc, double DetectionRateAtFalsePositives, int FalsePositives);

    public static (IReadOnlyList<TruthEpisode> Truth, IReadOnlyList<RaisedIncident> Raised, long Samples, IReadOnlyList<MlScore> Ml) Run(
        FleetOptions fleetOptions, TimeSpan window, TimeSpan interval, int episodesPerKind, string? truthOut, string? modelDirectory = null, Geography.Province? province = null, double anomalyThreshold = AnalyticsOptions.DefaultAnomalyThreshold, bool countWarmUp = false)
    {
        // The fleet spreads over the province pack's communes (default: the packaged Đồng Tháp).
        var fleet = FleetPlan.Create(fleetOptions, province ?? Geography.ProvincePack.Open());
        var start = fleetOptions.Start ?? DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture);
        var warmUp = TimeSpan.FromDays(1);
        var plan = episodesPerKind > 0 ? ScenarioPlan.Create(fleet, start + warmUp, window, interval, episodesPerKind, fleetOptions.Seed) : ScenarioPlan.None;
        if (truthOut is not null)
        {
            ScenarioEpisode.WriteAll(truthOut, plan.Episodes);
        }

        var pca = modelDirectory is null ? null : new Ml.PcaSupervisor(modelDirectory);
        var history = pca is null ? null : new Ml.InMemoryTelemetryHistory();

        // For ML.NET's own evaluation: the evaluated readings as feature vectors, labelled anomalous inside an
        // episode that changes values (spike, level shift, congestion, pollution); a tenth of the normal ones kept.
        var features = TelemetryDomains.All.ToDictionary(d => d, d => new Ml.DomainFeatures(d));
        var labelled = TelemetryDomains.All.ToDictionary(d => d, _ => new List<(float[], bool)>());
        var valueEpisodes = plan.Episodes.Where(e => e.Scenario is ScenarioKind.Spike or ScenarioKind.LevelShift or ScenarioKind.Congestion or ScenarioKind.Pollution)
            .ToLookup(e => e.Device!, StringComparer.Ordinal);
        long kept = 0;
        var detectors = new DetectorSet(new RuleOptions(), anomalyThreshold, pca);
        var parser = new TelemetryPayloadParser(new ContractLimits { MaxAge = TimeSpan.FromDays(3650) });
        var batch = new TelemetryBatch();
        var changes = new List<ConditionChange>();
        var open = new HashSet<(IncidentKind, string)>();
        var raised = new List<RaisedIncident>();
        // countWarmUp: what a fresh start costs (a new fleet, or the analytics host restarted: detectors start empty).
        var evaluateFrom = countWarmUp ? start.ToUnixTimeMilliseconds() : (start + warmUp).ToUnixTimeMilliseconds();
        var end = (start + warmUp + window).ToUnixTimeMilliseconds();
        long samples = 0;
        for (var t = start.ToUnixTimeMilliseconds(); t < end; t += (long)interval.TotalMilliseconds)
        {
            foreach (var device in fleet)
            {
                if (device.NextPayload(t, plan) is not { } payload)
                {
                    continue;
                }

                parser.Parse(new ReadOnlySequence<byte>(payload), t, batch, out _);
                detectors.Observe(new DeviceSample(device.Record.Id, device.Record.Domain, device.Record.Area, batch.TimestampMs(0), batch.Metrics(0)), changes);
                if (t < evaluateFrom)
                {
                    history?.Add(device.Record.Domain, device.Record.Id, batch.TimestampMs(0), batch.Metrics(0));
                }
                else if (pca is not null)
                {
                    var vector = features[device.Record.Domain].Build(device.Record.Id, t, batch.Metrics(0));
                    var anomalous = valueEpisodes[device.Record.Id].Any(e => e.Covers(device.Record.Id, device.Record.Area, t));
                    if (anomalous || kept++ % 10 == 0)
                    {
                        labelled[device.Record.Domain].Add((vector, anomalous));
                    }
                }

                samples++;
            }

            if (pca is not null && t == evaluateFrom)
            {
                // As live: trained from the stored warm-up day (simulated time waits for the training).
                pca.TrainAsync(history!, DateTimeOffset.FromUnixTimeMilliseconds(t), CancellationToken.None).GetAwaiter().GetResult();
                foreach (var (domain, outcome) in pca.LastOutcome)
                {
                    Console.WriteLine($"PCA {domain}: {outcome}");
                }
            }

            detectors.CheckSilence(t, changes);
            foreach (var change in changes)
            {
                var key = (change.Kind, change.DeviceId ?? "area:" + change.Area);
                if (!change.Present)
                {
                    open.Remove(key);
                }
                else if (open.Add(key) && change.AtMs >= evaluateFrom)
                {
                    raised.Add(new RaisedIncident(change.Kind.Code(), change.DeviceId, change.Area, DateTimeOffset.FromUnixTimeMilliseconds(change.AtMs), change.Evidence.Detector + ": " + change.Evidence.Detail));
                }
            }

            changes.Clear();
        }

        var truth = plan.Episodes.Select(e => new TruthEpisode(e.Kind, e.Device, e.Area, e.Start, e.End)).ToList();
        var ml = new List<MlScore>();
        foreach (var (domain, rows) in labelled)
        {
            if (pca?.ModelOf(domain) is { } model && rows.Any(r => r.Item2) && rows.Any(r => !r.Item2))
            {
                const int falsePositives = 10;
                var metrics = model.Evaluate(rows, falsePositives);
                ml.Add(new MlScore(domain.Name(), model.Version, rows.Count, rows.Count(r => r.Item2), metrics.AreaUnderRocCurve, metrics.DetectionRateAtFalsePositiveCount, falsePositives));
            }
        }

        return (truth, raised, samples, ml);
    }
}
