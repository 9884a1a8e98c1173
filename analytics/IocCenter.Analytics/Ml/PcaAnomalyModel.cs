using System.Text.Json;
using IocCenter.Telemetry;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace IocCenter.Analytics.Ml;

/// <summary>
/// ML.NET's <c>RandomizedPca</c> anomaly detector on one domain's feature vectors (mean-variance normalised).
/// Its threshold is calibrated on the training window to a target false-alarm rate, per reading and then (see
/// <see cref="CalibrateIncidents"/>) per device-day; at or above it the score is 1 (the model fires, whatever the
/// anomaly threshold), below it 0.8 × the raw score's share of it; saved as <c>{domain}-v{version}.zip</c> (<c>mlContext.Model.Save</c>) plus a JSON
/// sidecar with the threshold. Scoring is not thread-safe (one prediction engine).
/// </summary>
public sealed class PcaAnomalyModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly PredictionEngine<FeatureRow, ScoreRow> _engine;
    private readonly DirectScorer? _direct;

    private PcaAnomalyModel(MLContext ml, ITransformer model, SchemaDefinition schema, ModelInfo info)
    {
        _ml = ml;
        _model = model;
        Info = info;
        _engine = ml.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(model, inputSchemaDefinition: schema);
        _direct = DirectScorer.From(model);
    }

    public ModelInfo Info { get; private set; }

    public string Version => $"{Info.Domain.Name()}-v{Info.Version}";

    public static PcaAnomalyModel Train(TelemetryDomain domain, IReadOnlyList<float[]> features, int version, double falseAlarmRate = 0.001, int rank = 3, int seed = 1, DateTimeOffset? trainedAt = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Count < 100)
        {
            throw new ArgumentException("At least 100 readings are needed to train.", nameof(features));
        }

        var ml = new MLContext(seed);
        var schema = Schema(features[0].Length);
        var data = ml.Data.LoadFromEnumerable(features.Select(f => new FeatureRow { Features = f }), schema);
        var pipeline = ml.Transforms.NormalizeMeanVariance(nameof(FeatureRow.Features))
            .Append(ml.AnomalyDetection.Trainers.RandomizedPca(nameof(FeatureRow.Features), rank: Math.Min(rank, features[0].Length - 1), ensureZeroMean: true, seed: seed));
        var model = pipeline.Fit(data);

        // The threshold: the (1 − falseAlarmRate) quantile of the training window's own scores.
        var scores = model.Transform(data).GetColumn<float>(nameof(ScoreRow.Score)).Order().ToArray();
        var threshold = scores[Math.Clamp((int)Math.Ceiling((1 - falseAlarmRate) * scores.Length) - 1, 0, scores.Length - 1)];
        threshold = Math.Max(threshold, 1e-6f);
        var info = new ModelInfo(domain, version, features[0].Length, rank, threshold, falseAlarmRate, features.Count, trainedAt ?? DateTimeOffset.UtcNow) { ReadingThreshold = threshold };
        return new PcaAnomalyModel(ml, model, schema, info);
    }

    /// <summary>
    /// Raises the threshold to an incident-level false-alarm target on the training window. An incident needs
    /// <paramref name="persistence"/> unusual readings in a row (the smallest of their raw scores is what is
    /// compared): per device and day of the window, the highest such run; the threshold is set so that at most
    /// <paramref name="incidentsPerDeviceDay"/> of those device-days would have raised one, with a margin
    /// (a day's maximum from a short window underestimates the tail). Never below the per-reading threshold.
    /// </summary>
    public void CalibrateIncidents(IEnumerable<IReadOnlyList<(long TimestampMs, float[] Features)>> sequences, int persistence, double incidentsPerDeviceDay, double margin = 1.25)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(persistence);
        var dailyMaxima = new List<float>();
        foreach (var sequence in sequences)
        {
            var recent = new float[persistence];
            var byDay = new Dictionary<long, float>();
            for (var i = 0; i < sequence.Count; i++)
            {
                recent[i % persistence] = RawScore(sequence[i].Features);
                if (i + 1 < persistence)
                {
                    continue;
                }

                var run = recent.Min();
                var day = (sequence[i].TimestampMs - sequence[0].TimestampMs) / 86_400_000; // days since the device's first reading
                byDay[day] = Math.Max(byDay.GetValueOrDefault(day), run);
            }

            dailyMaxima.AddRange(byDay.Values);
        }

        if (dailyMaxima.Count == 0)
        {
            return;
        }

        dailyMaxima.Sort((a, b) => b.CompareTo(a));
        var allowed = Math.Min(dailyMaxima.Count - 1, (int)Math.Floor(incidentsPerDeviceDay * dailyMaxima.Count));
        var threshold = (float)Math.Max(Info.ReadingThreshold, dailyMaxima[allowed] * margin);
        Info = Info with { Threshold = threshold, Persistence = persistence, IncidentsPerDeviceDay = incidentsPerDeviceDay, CalibratedOnDeviceDays = dailyMaxima.Count };
    }

    /// <summary>The raw PCA score: higher is more anomalous.</summary>
    public float RawScore(float[] features) => _direct?.Score(features) ?? EngineScore(features);

    /// <summary>The raw score of a vector held in a span (no allocation when the direct scorer is available).</summary>
    public float RawScore(ReadOnlySpan<float> features) => _direct?.Score(features) ?? EngineScore(features.ToArray());

    /// <summary>The same score through ML.NET's prediction engine (slower; the reference the direct scorer is tested against).</summary>
    public float EngineScore(float[] features) => _engine.Predict(new FeatureRow { Features = features }).Score;

    /// <summary>A score in [0, 1]: 1 at or above the calibrated threshold.</summary>
    public double Score(float[] features) => ScoreOf(RawScore(features));

    /// <summary>
    /// A raw score (or the smallest of a run of them) as a score in [0, 1]: 1 at or above the calibrated threshold (the
    /// model fires; its false-alarm rate is set by its own calibration, not by the series' anomaly threshold), below it
    /// 0.8 × its share of the threshold (shown, never an incident at any threshold above 0.8).
    /// </summary>
    public double ScoreOf(float raw)
    {
        var ratio = raw / Info.Threshold;
        return ratio >= 1 ? 1 : 0.8 * Math.Max(0, ratio);
    }

    /// <summary>ML.NET's own anomaly metrics on labelled vectors: AUC, and the detection rate at <paramref name="falsePositives"/> false alarms.</summary>
    public AnomalyDetectionMetrics Evaluate(IReadOnlyList<(float[] Features, bool Anomaly)> labelled, int falsePositives = 10)
    {
        ArgumentNullException.ThrowIfNull(labelled);
        var schema = SchemaDefinition.Create(typeof(LabelledRow));
        schema[nameof(LabelledRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Info.Length);
        var data = _ml.Data.LoadFromEnumerable(labelled.Select(l => new LabelledRow { Features = l.Features, Label = l.Anomaly ? 1f : 0f }), schema);
        return _ml.AnomalyDetection.Evaluate(_model.Transform(data), nameof(LabelledRow.Label), nameof(ScoreRow.Score), falsePositiveCount: falsePositives);
    }

    public string Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, Version + ".zip");
        var schema = Schema(Info.Length);
        var data = _ml.Data.LoadFromEnumerable(Array.Empty<FeatureRow>(), schema);
        _ml.Model.Save(_model, data.Schema, path);
        File.WriteAllText(Path.ChangeExtension(path, ".json"), JsonSerializer.Serialize(Info, Json));
        return path;
    }

    public static PcaAnomalyModel Load(string path)
    {
        var info = JsonSerializer.Deserialize<ModelInfo>(File.ReadAllText(Path.ChangeExtension(path, ".json")), Json)
            ?? throw new InvalidDataException($"No model description beside {path}.");
        var ml = new MLContext(1);
        var model = ml.Model.Load(path, out _);
        return new PcaAnomalyModel(ml, model, Schema(info.Length), info);
    }

    /// <summary>The newest saved version of a domain's model in a folder, or null.</summary>
    public static string? Latest(string directory, TelemetryDomain domain) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, domain.Name() + "-v*.zip")
                .OrderByDescending(p => int.TryParse(Path.GetFileNameWithoutExtension(p).Split("-v")[^1], out var v) ? v : -1)
                .FirstOrDefault()
            : null;

    private static SchemaDefinition Schema(int length)
    {
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, length);
        return schema;
    }

    /// <summary>
    /// The fitted pipeline's arithmetic without the pipeline: the affine normaliser's scales and offsets and the PCA
    /// model's mean and eigenvectors, read from the trained ML.NET objects, then ML.NET's own score (the normalised
    /// reconstruction error √((‖x−μ‖² − Σᵢ(uᵢ·(x−μ))²) / ‖x−μ‖²)). ~20× faster than a prediction engine and
    /// allocation-free; null when the pipeline is not the expected shape (then the engine scores).
    /// </summary>
    private sealed class DirectScorer
    {
        private readonly float[] _scale;
        private readonly float[] _offset;
        private readonly float[] _mean;
        private readonly float[][] _eigenVectors;

        private DirectScorer(float[] scale, float[] offset, float[] mean, float[][] eigenVectors) =>
            (_scale, _offset, _mean, _eigenVectors) = (scale, offset, mean, eigenVectors);

        public static DirectScorer? From(ITransformer model)
        {
            if (model is not IEnumerable<ITransformer> chain || chain.ToList() is not [Microsoft.ML.Transforms.NormalizingTransformer normalizer, AnomalyPredictionTransformer<Microsoft.ML.Trainers.PcaModelParameters> pca])
            {
                return null;
            }

            if (normalizer.GetNormalizerModelParameters(0) is not Microsoft.ML.Transforms.NormalizingTransformer.AffineNormalizerModelParameters<System.Collections.Immutable.ImmutableArray<float>> affine)
            {
                return null;
            }

            var vectors = Array.Empty<VBuffer<float>>();
            pca.Model.GetEigenVectors(ref vectors, out var rank);
            VBuffer<float> mean = default;
            pca.Model.GetMean(ref mean);
            var length = mean.Length;
            var scale = affine.Scale.ToArray();
            var offset = affine.Offset.IsDefaultOrEmpty ? new float[length] : affine.Offset.ToArray();
            if (scale.Length != length || offset.Length != length)
            {
                return null;
            }

            return new DirectScorer(scale, offset, mean.DenseValues().ToArray(), vectors.Take(rank).Select(v => v.DenseValues().ToArray()).ToArray());
        }

        public float Score(ReadOnlySpan<float> features)
        {
            Span<float> centred = stackalloc float[_mean.Length];
            var norm2 = 0f;
            for (var i = 0; i < centred.Length; i++)
            {
                centred[i] = ((features[i] - _offset[i]) * _scale[i]) - _mean[i];
                norm2 += centred[i] * centred[i];
            }

            var projected = 0f;
            foreach (var u in _eigenVectors)
            {
                var component = System.Numerics.Tensors.TensorPrimitives.Dot(u, centred);
                projected += component * component;
            }

            return norm2 <= 0 ? 0 : MathF.Sqrt(Math.Max(0, norm2 - projected) / norm2);
        }
    }

    /// <summary>
    /// What a saved model is: <see cref="Threshold"/> is the raw score at which the model fires (the incident-level one
    /// once calibrated), <see cref="ReadingThreshold"/> the per-reading quantile at <see cref="FalseAlarmRate"/>.
    /// </summary>
    public sealed record ModelInfo(TelemetryDomain Domain, int Version, int Length, int Rank, float Threshold, double FalseAlarmRate, int TrainedOn, DateTimeOffset TrainedAt)
    {
        public float ReadingThreshold { get; init; } = Threshold;

        /// <summary>Unusual readings in a row an incident needs (1 until calibrated).</summary>
        public int Persistence { get; init; } = 1;

        public double? IncidentsPerDeviceDay { get; init; }

        public int CalibratedOnDeviceDays { get; init; }
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class LabelledRow
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private sealed class ScoreRow
    {
        public bool PredictedLabel { get; set; }

        public float Score { get; set; }
    }
}
