using System.Text.Json;
using IocCenter.Telemetry;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace IocCenter.Analytics.Ml;

/// <summary>
/// ML.NET's <c>RandomizedPca</c> anomaly detector on one domain's feature vectors (mean-variance normalised).
/// Its threshold is calibrated on the training window to a target false-alarm rate and maps to a score of 0.8
/// (the anomaly threshold); saved as <c>{domain}-v{version}.zip</c> (<c>mlContext.Model.Save</c>) plus a JSON
/// sidecar with the threshold. Scoring is not thread-safe (one prediction engine).
/// </summary>
public sealed class PcaAnomalyModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly PredictionEngine<FeatureRow, ScoreRow> _engine;

    private PcaAnomalyModel(MLContext ml, ITransformer model, SchemaDefinition schema, ModelInfo info)
    {
        _ml = ml;
        _model = model;
        Info = info;
        _engine = ml.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(model, inputSchemaDefinition: schema);
    }

    public ModelInfo Info { get; }

    public string Version => $"{Info.Domain.Name()}-v{Info.Version}";

    public static PcaAnomalyModel Train(TelemetryDomain domain, IReadOnlyList<float[]> features, int version, double falseAlarmRate = 0.001, int rank = 3, int seed = 1)
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
        var info = new ModelInfo(domain, version, features[0].Length, rank, Math.Max(threshold, 1e-6f), falseAlarmRate, features.Count, DateTimeOffset.UtcNow);
        return new PcaAnomalyModel(ml, model, schema, info);
    }

    /// <summary>The raw PCA score: higher is more anomalous.</summary>
    public float RawScore(float[] features) => _engine.Predict(new FeatureRow { Features = features }).Score;

    /// <summary>A score in [0, 1]: the calibrated threshold maps to 0.8.</summary>
    public double Score(float[] features)
    {
        var ratio = RawScore(features) / Info.Threshold;
        return ratio < 1 ? 0.8 * ratio : Math.Min(1, 0.8 + (0.2 * (ratio - 1)));
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

    public sealed record ModelInfo(TelemetryDomain Domain, int Version, int Length, int Rank, float Threshold, double FalseAlarmRate, int TrainedOn, DateTimeOffset TrainedAt);

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
