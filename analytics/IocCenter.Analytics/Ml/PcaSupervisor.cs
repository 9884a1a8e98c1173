using System.Globalization;
using IocCenter.Analytics.Detectors;
using IocCenter.Telemetry;

namespace IocCenter.Analytics.Ml;

/// <summary>How the PCA models are trained from stored history and how much they may alarm.</summary>
public sealed record PcaTrainingOptions
{
    /// <summary>How far back the training history reaches.</summary>
    public TimeSpan HistoryWindow { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Training needs at least this span of history (a whole daily rhythm).</summary>
    public TimeSpan MinimumSpan { get; init; } = TimeSpan.FromHours(23);

    public int MinimumReadings { get; init; } = 2_000;

    /// <summary>Bounds what one training reads from the store: devices per domain, and readings per device.</summary>
    public int MaxDevices { get; init; } = 150;

    public int MaxReadingsPerDevice { get; init; } = 2_000;

    /// <summary>The model is fitted on at most this many readings (an even spread of the history).</summary>
    public int MaxFitReadings { get; init; } = 60_000;

    /// <summary>Unusual readings in a row before the model's score counts (one odd reading is the spike detector's job).</summary>
    public int Persistence { get; init; } = 3;

    /// <summary>The incident-level false-alarm target on the training window.</summary>
    public double IncidentsPerDeviceDay { get; init; } = 0.001;
}

/// <summary>
/// Runs the per-domain PCA models in the live loop and trains them from the telemetry store. <see cref="Observe"/>
/// (the detector loop only) scores a reading with its domain's model: the smallest raw score of the device's last
/// <see cref="PcaTrainingOptions.Persistence"/> readings, so only a run of unusual readings scores high.
/// <see cref="TrainAsync"/> (in the background) reads each domain's history, fits a model, calibrates its threshold
/// to an incident-level target on that same window, saves it as a new version and swaps it in. The newest saved
/// version of each domain is loaded at start, so a restart scores at once.
/// </summary>
public sealed class PcaSupervisor
{
    private readonly string _modelDirectory;
    private readonly PcaTrainingOptions _options;
    private readonly Dictionary<TelemetryDomain, DomainState> _domains = [];
    private readonly Dictionary<string, string> _lastOutcome = [];

    public PcaSupervisor(string modelDirectory, PcaTrainingOptions? options = null)
    {
        _modelDirectory = modelDirectory;
        _options = options ?? new PcaTrainingOptions();
        foreach (var domain in TelemetryDomains.All)
        {
            _domains[domain] = new DomainState(domain, _options.Persistence);
        }
    }

    /// <summary>The model versions in use, e.g. <c>traffic-v3</c>.</summary>
    public IReadOnlyList<string> Versions => _domains.Values.Select(d => d.Model?.Version).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>The model a domain scores with, or null.</summary>
    public PcaAnomalyModel? ModelOf(TelemetryDomain domain) => _domains[domain].Model;

    /// <summary>What the last training did per domain (trained, or why not), for logs and health.</summary>
    public IReadOnlyDictionary<string, string> LastOutcome
    {
        get
        {
            lock (_lastOutcome)
            {
                return new Dictionary<string, string>(_lastOutcome);
            }
        }
    }

    /// <summary>Loads the newest saved model of each domain.</summary>
    public void LoadSaved()
    {
        foreach (var (domain, state) in _domains)
        {
            if (PcaAnomalyModel.Latest(_modelDirectory, domain) is { } path)
            {
                state.Model = PcaAnomalyModel.Load(path);
            }
        }
    }

    /// <summary>Scores a reading with its domain's model (0 until there is one).</summary>
    public SeriesScore Observe(in DeviceSample sample)
    {
        var state = _domains[sample.Domain];
        Span<float> features = stackalloc float[state.Features.Length];
        state.Features.Fill(features, sample.DeviceId, sample.TimestampMs, sample.Metrics);
        if (state.Model is not { } model)
        {
            return default;
        }

        var run = state.Run(sample.DeviceId, model.RawScore((ReadOnlySpan<float>)features));
        return new SeriesScore(model.ScoreOf(run), "pca", model.Info.Threshold, 0);
    }

    /// <summary>
    /// Trains each domain whose model is missing or older than <paramref name="olderThan"/> (all of them when null)
    /// from its history in [now − window, now), and returns the versions made. A domain without enough history
    /// keeps its model; that, or a failure, is recorded in <see cref="LastOutcome"/>, never thrown.
    /// </summary>
    public async Task<IReadOnlyList<string>> TrainAsync(ITelemetryHistory history, DateTimeOffset now, CancellationToken cancellationToken, TimeSpan? olderThan = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        var trained = new List<string>();
        foreach (var (domain, state) in _domains)
        {
            if (olderThan is { } age && state.Model is { } current && now - current.Info.TrainedAt < age)
            {
                continue;
            }

            string outcome;
            try
            {
                var readings = await history.ReadAsync(domain, now - _options.HistoryWindow, now, _options.MaxDevices, _options.MaxReadingsPerDevice, cancellationToken);
                var (model, why) = await Task.Run(() => Train(domain, readings, (state.Model?.Info.Version ?? 0) + 1, now), cancellationToken);
                if (model is null)
                {
                    outcome = why;
                }
                else
                {
                    model.Save(_modelDirectory);
                    state.Model = model;
                    trained.Add(model.Version);
                    outcome = string.Create(CultureInfo.InvariantCulture,
                        $"{model.Version}: {model.Info.TrainedOn:N0} readings, {model.Info.CalibratedOnDeviceDays} device-days, threshold {model.Info.Threshold:0.###} (per reading {model.Info.ReadingThreshold:0.###})");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                outcome = "failed: " + e.Message;
            }

            lock (_lastOutcome)
            {
                _lastOutcome[domain.Name()] = outcome;
            }
        }

        return trained;
    }

    private (PcaAnomalyModel? Model, string Why) Train(TelemetryDomain domain, IReadOnlyList<HistoryReading> readings, int version, DateTimeOffset now)
    {
        var features = new DomainFeatures(domain);
        var sequences = readings
            .GroupBy(r => r.DeviceId, StringComparer.Ordinal)
            .Select(device => (IReadOnlyList<(long, float[])>)device.OrderBy(r => r.TimestampMs).Select(r => (r.TimestampMs, features.Build(r.DeviceId, r.TimestampMs, r.Metrics))).ToList())
            .ToList();
        var span = readings.Count == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(readings.Max(r => r.TimestampMs) - readings.Min(r => r.TimestampMs));
        if (readings.Count < _options.MinimumReadings || span < _options.MinimumSpan)
        {
            return (null, string.Create(CultureInfo.InvariantCulture,
                $"chưa đủ dữ liệu / not enough history yet: {readings.Count:N0} readings over {span.TotalHours:0.#} h (needs {_options.MinimumReadings:N0} over {_options.MinimumSpan.TotalHours:0} h)"));
        }

        var all = sequences.SelectMany(s => s.Select(r => r.Item2)).ToList();
        var stride = Math.Max(1, (all.Count + _options.MaxFitReadings - 1) / _options.MaxFitReadings);
        var fit = stride == 1 ? all : all.Where((_, i) => i % stride == 0).ToList();
        var model = PcaAnomalyModel.Train(domain, fit, version, trainedAt: now);
        model.CalibrateIncidents(sequences, _options.Persistence, _options.IncidentsPerDeviceDay);
        return (model, string.Empty);
    }

    private sealed class DomainState(TelemetryDomain domain, int persistence)
    {
        private readonly Dictionary<string, (float[] Recent, int Count)> _runs = new(StringComparer.Ordinal);
        private volatile PcaAnomalyModel? _model;

        public DomainFeatures Features { get; } = new(domain);

        public PcaAnomalyModel? Model
        {
            get => _model;
            set => _model = value;
        }

        /// <summary>The smallest of the device's last raw scores (0 until it has enough of them).</summary>
        public float Run(string deviceId, float raw)
        {
            ref var run = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_runs, deviceId, out var exists);
            if (!exists)
            {
                run = (new float[persistence], 0);
            }

            run.Recent[run.Count % persistence] = raw;
            run.Count = Math.Min(run.Count + 1, int.MaxValue - 1);
            if (run.Count < persistence)
            {
                return 0;
            }

            var smallest = float.MaxValue;
            foreach (var r in run.Recent)
            {
                smallest = Math.Min(smallest, r);
            }

            return smallest;
        }
    }
}
