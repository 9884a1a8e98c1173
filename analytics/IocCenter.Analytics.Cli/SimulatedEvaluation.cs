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
    public static (IReadOnlyList<TruthEpisode> Truth, IReadOnlyList<RaisedIncident> Raised, long Samples) Run(
        FleetOptions fleetOptions, TimeSpan window, TimeSpan interval, int episodesPerKind, string? truthOut, string? modelDirectory = null)
    {
        var fleet = FleetPlan.Create(fleetOptions);
        var start = fleetOptions.Start ?? DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture);
        var warmUp = TimeSpan.FromDays(1);
        var plan = episodesPerKind > 0 ? ScenarioPlan.Create(fleet, start + warmUp, window, interval, episodesPerKind, fleetOptions.Seed) : ScenarioPlan.None;
        if (truthOut is not null)
        {
            ScenarioEpisode.WriteAll(truthOut, plan.Episodes);
        }

        var pca = modelDirectory is null ? null : new Ml.PcaSupervisor(modelDirectory, TimeSpan.FromDays(30));
        var detectors = new DetectorSet(new RuleOptions(), anomalyThreshold: 0.8, pca);
        var parser = new TelemetryPayloadParser(new ContractLimits { MaxAge = TimeSpan.FromDays(3650) });
        var batch = new TelemetryBatch();
        var changes = new List<ConditionChange>();
        var open = new HashSet<(IncidentKind, string)>();
        var raised = new List<RaisedIncident>();
        var evaluateFrom = (start + warmUp).ToUnixTimeMilliseconds();
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
                samples++;
            }

            if (pca is not null && t % 3_600_000 == 0)
            {
                pca.WhenIdle().GetAwaiter().GetResult(); // simulated time runs faster than training: wait for it
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
                    raised.Add(new RaisedIncident(change.Kind.Code(), change.DeviceId, change.Area, DateTimeOffset.FromUnixTimeMilliseconds(change.AtMs), change.Evidence.Detail));
                }
            }

            changes.Clear();
        }

        var truth = plan.Episodes.Select(e => new TruthEpisode(e.Kind, e.Device, e.Area, e.Start, e.End)).ToList();
        return (truth, raised, samples);
    }
}
