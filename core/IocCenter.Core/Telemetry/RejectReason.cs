namespace IocCenter.Telemetry;

/// <summary>Why a message was not stored. Every value has a stable snake_case code used in dead-letter topics and metrics.</summary>
public enum RejectReason
{
    None = 0,
    TopicInvalid,
    DomainUnknown,
    DeviceIdInvalid,
    PayloadEmpty,
    PayloadTooLarge,
    PayloadNotUtf8,
    JsonInvalid,
    PayloadNotObject,
    BatchEmpty,
    BatchTooLarge,
    DuplicateKey,
    MetricsMissing,
    MetricsEmpty,
    TooManyMetrics,
    MetricNameInvalid,
    MetricValueNotNumber,
    MetricValueNotFinite,
    MetricNotInteger,
    MetricOutOfRange,
    TimestampInvalid,
    TimestampInFuture,
    TimestampTooOld,
    StatusInvalid,
    StoreRejected,
}

public static class RejectReasons
{
    private static readonly string[] Codes =
    [
        "none", "topic_invalid", "domain_unknown", "device_id_invalid", "payload_empty", "payload_too_large",
        "payload_not_utf8", "json_invalid", "payload_not_object", "batch_empty", "batch_too_large", "duplicate_key",
        "metrics_missing", "metrics_empty", "too_many_metrics", "metric_name_invalid", "metric_value_not_number",
        "metric_value_not_finite", "metric_not_integer", "metric_out_of_range", "timestamp_invalid",
        "timestamp_in_future", "timestamp_too_old", "status_invalid", "store_rejected",
    ];

    public static IReadOnlyList<RejectReason> All { get; } = Enum.GetValues<RejectReason>().Where(r => r != RejectReason.None).ToArray();

    /// <summary>The stable code, e.g. <c>metric_out_of_range</c>.</summary>
    public static string Code(this RejectReason reason) => Codes[(int)reason];

    public static bool TryParse(string code, out RejectReason reason)
    {
        var index = Array.IndexOf(Codes, code);
        reason = index > 0 ? (RejectReason)index : RejectReason.None;
        return index > 0;
    }
}
