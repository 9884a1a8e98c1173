using IocCenter.Analytics.Detectors;
using IocCenter.Telemetry;

namespace IocCenter.Analytics.Ml;

/// <summary>
/// Runs the per-domain PCA models in the live loop. Keeps a uniform sample (reservoir) of recent readings'
/// feature vectors per domain as its training history; once a domain has seen a day and enough readings, trains a
/// model in the background, and retrains every <c>retrainEvery</c>. Each model is saved as a new version and
/// the newest is loaded at start, so a restart scores at once. Observe is called from the detector loop only;
/// training runs on the thread pool and swaps the model in when done.
/// </summary>
public sealed class PcaSupervisor(string modelDirectory, TimeSpan retrainEvery, int reservoirSize = 20_000, int minimumReadings = 2_000)
{
    private const long DayMs = 86_400_000;
    private readonly Dictionary<TelemetryDomain, DomainState> _domains = [];

    /// <summary>The model versions in use, e.g. <c>traffic-v3</c>.</summary>
    public IReadOnlyList<string> Versions => _domains.Values.Select(d => d.Model?.Version).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>Loads the newest saved model of each domain.</summary>
    public void LoadSaved()
    {
        foreach (var domain in TelemetryDomains.All)
        {
            if (PcaAnomalyModel.Latest(modelDirectory, domain) is { } path)
            {
                State(domain).Model = PcaAnomalyModel.Load(path);
            }
        }
    }

    /// <summary>Scores a reading with its domain's model (0 until there is one) and keeps it as training history.</summary>
    public SeriesScore Observe(in DeviceSample sample)
    {
        var state = State(sample.Domain);
        var features = state.Features.Build(sample.DeviceId, sample.TimestampMs, sample.Metrics);
        state.Keep(features, sample.TimestampMs);
        state.MaybeRetrain(sample.TimestampMs, retrainEvery, minimumReadings, modelDirectory);
        var model = state.Model;
        return model is null ? default : new SeriesScore(model.Score(features), "pca", model.Info.Threshold, 0);
    }

    /// <summary>Why the last training of a domain failed, if it did (it is tried again at the next retrain time).</summary>
    public IReadOnlyDictionary<TelemetryDomain, string> TrainingErrors =>
        _domains.Where(d => d.Value.LastError is not null).ToDictionary(d => d.Key, d => d.Value.LastError!);

    /// <summary>Completes when no training is under way (tests and shutdown).</summary>
    public Task WhenIdle() => Task.WhenAll(_domains.Values.Select(d => d.Training));

    private DomainState State(TelemetryDomain domain)
    {
        if (!_domains.TryGetValue(domain, out var state))
        {
            _domains[domain] = state = new DomainState(domain, reservoirSize);
        }

        return state;
    }

    private sealed class DomainState(TelemetryDomain domain, int capacity)
    {
        private readonly List<float[]> _reservoir = new(capacity);
        private readonly Random _random = new(17);
        private long _seen;
        private long _firstMs = long.MinValue;
        private long _lastTrainedMs = long.MinValue;
        private volatile PcaAnomalyModel? _model;

        public DomainFeatures Features { get; } = new(domain);

        public PcaAnomalyModel? Model
        {
            get => _model;
            set => _model = value;
        }

        public Task Training { get; private set; } = Task.CompletedTask;

        public string? LastError { get; private set; }

        public void Keep(float[] features, long timestampMs)
        {
            if (_firstMs == long.MinValue)
            {
                _firstMs = timestampMs;
            }

            _seen++;
            if (_reservoir.Count < capacity)
            {
                _reservoir.Add(features);
            }
            else if (_random.NextInt64(_seen) is var slot && slot < capacity)
            {
                _reservoir[(int)slot] = features;
            }
        }

        public void MaybeRetrain(long nowMs, TimeSpan every, int minimum, string directory)
        {
            // The first model after a day of readings (a loaded one is refreshed then too), later ones on schedule.
            var due = _lastTrainedMs == long.MinValue
                ? nowMs - _firstMs >= DayMs
                : nowMs - _lastTrainedMs >= (long)every.TotalMilliseconds;
            if (!due || !Training.IsCompleted || _reservoir.Count < minimum)
            {
                return;
            }

            _lastTrainedMs = nowMs;
            var history = _reservoir.ToList();
            var version = (_model?.Info.Version ?? 0) + 1;
            Training = Task.Run(() =>
            {
                try
                {
                    var model = PcaAnomalyModel.Train(domain, history, version);
                    model.Save(directory);
                    _model = model;
                    LastError = null;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // The previous model stays in use; the next retrain time tries again.
                    LastError = e.Message;
                }
            });
        }
    }
}
