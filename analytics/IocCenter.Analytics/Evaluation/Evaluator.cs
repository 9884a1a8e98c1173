namespace IocCenter.Analytics.Evaluation;

/// <summary>An anomaly that really happened (ground truth), in incident terms.</summary>
public sealed record TruthEpisode(string Kind, string? Device, string? Area, DateTimeOffset Start, DateTimeOffset End);

/// <summary>An incident the detectors raised.</summary>
public sealed record RaisedIncident(string Kind, string? Device, string? Area, DateTimeOffset Opened, string? Detail = null);

/// <summary>How well one incident kind was detected.</summary>
public sealed record KindScore(string Kind, int Episodes, int Detected, int Incidents, int Matched, int Explained, double Precision, double Recall, double F1, double? MedianDelaySeconds, double? P95DelaySeconds);

/// <summary>
/// Compares raised incidents with the ground truth. An incident matches an episode of its kind on the same device
/// (an area outage: the same area) when it opens between a minute before the episode starts and a grace period
/// after it ends (air quality 3 h, as the index is hourly; others 30 min). Not counted against precision
/// ("explained"): an anomaly incident on a device during any of its episodes (the generic detector saw a real
/// injected fault), and device_offline incidents of devices inside an area outage. Delay = opened − start.
/// </summary>
public static class Evaluator
{
    public static IReadOnlyList<KindScore> Evaluate(IReadOnlyList<TruthEpisode> truth, IReadOnlyList<RaisedIncident> incidents)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(incidents);
        var kinds = truth.Select(t => t.Kind).Concat(incidents.Select(i => i.Kind)).Distinct().Order(StringComparer.Ordinal);
        var scores = new List<KindScore>();
        foreach (var kind in kinds)
        {
            var episodes = truth.Where(t => t.Kind == kind).ToList();
            var raised = incidents.Where(i => i.Kind == kind).ToList();
            var delays = new List<double>();
            var detected = 0;
            foreach (var episode in episodes)
            {
                var first = raised.Where(i => Matches(i, episode)).OrderBy(i => i.Opened).FirstOrDefault();
                if (first is not null)
                {
                    detected++;
                    delays.Add(Math.Max(0, (first.Opened - episode.Start).TotalSeconds));
                }
            }

            int matched = 0, explained = 0;
            foreach (var incident in raised)
            {
                if (episodes.Any(e => Matches(incident, e)))
                {
                    matched++;
                }
                else if (Explained(incident, truth))
                {
                    explained++;
                }
            }

            var judged = raised.Count - explained;
            var precision = judged == 0 ? (episodes.Count == 0 ? 1 : 0) : matched / (double)judged;
            var recall = episodes.Count == 0 ? (judged == 0 ? 1 : 0) : detected / (double)episodes.Count;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            delays.Sort();
            scores.Add(new KindScore(kind, episodes.Count, detected, raised.Count, matched, explained, precision, recall, f1,
                delays.Count == 0 ? null : Percentile(delays, 0.5), delays.Count == 0 ? null : Percentile(delays, 0.95)));
        }

        return scores;
    }

    /// <summary>The episodes no incident matched, and the incidents neither matched nor explained (false alarms).</summary>
    public static (IReadOnlyList<TruthEpisode> Missed, IReadOnlyList<RaisedIncident> FalseAlarms) Errors(IReadOnlyList<TruthEpisode> truth, IReadOnlyList<RaisedIncident> incidents)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(incidents);
        var missed = truth.Where(e => !incidents.Any(i => i.Kind == e.Kind && Matches(i, e))).ToList();
        var falseAlarms = incidents.Where(i => !truth.Any(e => e.Kind == i.Kind && Matches(i, e)) && !Explained(i, truth)).ToList();
        return (missed, falseAlarms);
    }

    private static bool Matches(RaisedIncident incident, TruthEpisode episode)
    {
        var subject = episode.Device is not null ? incident.Device == episode.Device : incident.Area == episode.Area;
        var grace = episode.Kind == "air_quality" ? TimeSpan.FromHours(3) : TimeSpan.FromMinutes(30);
        return subject && incident.Opened >= episode.Start - TimeSpan.FromMinutes(1) && incident.Opened <= episode.End + grace;
    }

    private static bool Explained(RaisedIncident incident, IReadOnlyList<TruthEpisode> truth) => incident.Kind switch
    {
        "anomaly" => truth.Any(e => e.Device is not null && e.Device == incident.Device && incident.Opened >= e.Start - TimeSpan.FromMinutes(1) && incident.Opened <= e.End + TimeSpan.FromMinutes(30)),
        "device_offline" => truth.Any(e => e.Kind == "area_outage" && e.Area == incident.Area && incident.Opened >= e.Start && incident.Opened <= e.End + TimeSpan.FromMinutes(30)),
        _ => false,
    };

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
