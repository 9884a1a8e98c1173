using System.Globalization;
using IocCenter.Analytics.AirQuality;
using IocCenter.Analytics.Incidents;

namespace IocCenter.Analytics.Detectors;

/// <summary>
/// One station's <c>air_quality</c> condition, in two layers.
/// <list type="bullet">
/// <item>The official hourly VN_AQI: raised when an hour closes at Kém or worse (Kém minor, Xấu major, Rất xấu and
/// Nguy hại critical; the severity is the worst the episode reached), cleared an hour after it is back at 100 or below.</item>
/// <item>The early warning, while the hour runs: its provisional index (<see cref="StationAqi.Provisional"/>, from
/// the hour's own readings) above 150 (Xấu or worse) and above what the official layer holds raises the incident at
/// once, its evidence marked provisional. Within the hour it can rise (Xấu → Rất xấu) but is neither lowered nor
/// withdrawn, so a level hovering at 150 does not flap. When the hour closes, its official index replaces it: the
/// same incident takes the official severity (lower if need be), or is cleared with the official index as its
/// evidence when the hour is not Kém or worse.</item>
/// </list>
/// After an hour that did not bear a warning out, the next one needs <see cref="DoubtMargin"/> points more, until an
/// hour is Xấu or worse (the warnings were right) or back at 100 or below: a station whose air sits just at the
/// Xấu boundary does not warn and withdraw every hour.
/// </summary>
internal sealed class AirQualityRule
{
    /// <summary>Points above 150 a provisional warning needs after one that its hour did not bear out.</summary>
    public const int DoubtMargin = 10;

    private const long HourMs = 3_600_000;

    private readonly StationAqi _aqi = new();
    private Severity? _official; // what the hourly layer holds (null: not raised)
    private long _cleanSince = -1; // when the hourly index was first back at ≤ 100
    private Severity? _layer; // the provisional warning of the running hour, at its worst (null: none)
    private Severity? _said; // what the incident was last told (null: cleared or never raised)
    private bool _saidProvisional;
    private ProvisionalAqi _saidEstimate;
    private bool _doubted;

    public void Observe(in DeviceSample sample, List<ConditionChange> changes)
    {
        var closed = _aqi.Observe(sample);
        if (closed)
        {
            CloseHour(_aqi.LastHour, sample.TimestampMs);
        }

        var estimate = _aqi.Provisional;
        if (estimate is { } e)
        {
            if (e.Value > StationAqi.WarnAbove + (_layer is null && _doubted ? DoubtMargin : 0))
            {
                var severity = SeverityOf(e.Value);
                _layer = _layer is { } layer && layer >= severity ? layer : severity;
            }
        }

        var provisional = _layer is { } l && (_official is null || l > _official);
        var target = provisional ? _layer : _official;
        if (target is null)
        {
            if (_said is not null)
            {
                changes.Add(new(IncidentKind.AirQuality, sample.DeviceId, sample.Area, false, _said.Value, Cleared(), sample.TimestampMs));
            }
        }
        else if (_said is null || target != _said || provisional != _saidProvisional || (closed && _saidProvisional))
        {
            var evidence = provisional ? Provisional(estimate ?? _saidEstimate) : Official();
            changes.Add(new(IncidentKind.AirQuality, sample.DeviceId, sample.Area, true, target.Value, evidence, sample.TimestampMs));
            _saidEstimate = provisional ? estimate ?? _saidEstimate : _saidEstimate;
        }

        _said = target;
        _saidProvisional = provisional;
    }

    /// <summary>The official layer takes the closed hour, as the hourly rule always did; the provisional layer ends with its hour.</summary>
    private void CloseHour(AqiResult? hourly, long atMs)
    {
        if (hourly is { } h)
        {
            if (h.Value > StationAqi.KemAbove)
            {
                _cleanSince = -1;
                var severity = SeverityOf(h.Value);
                _official = _official is { } held && held >= severity ? held : severity;
            }
            else if (_official is not null)
            {
                _cleanSince = _cleanSince < 0 ? atMs : _cleanSince;
                if (atMs - _cleanSince >= HourMs)
                {
                    (_official, _cleanSince) = (null, -1);
                }
            }
        }

        if (_layer is not null)
        {
            _doubted = hourly is not { Value: > StationAqi.WarnAbove };
        }
        else if (hourly is { Value: > StationAqi.WarnAbove or <= StationAqi.KemAbove })
        {
            _doubted = false;
        }

        _layer = null;
    }

    /// <summary>Kém (101–150) minor, Xấu (151–200) major, Rất xấu and Nguy hại (201+) critical.</summary>
    private static Severity SeverityOf(int aqi) => aqi > 200 ? Severity.Critical : aqi > StationAqi.WarnAbove ? Severity.Major : Severity.Minor;

    private static Evidence Provisional(ProvisionalAqi e)
    {
        var category = e.Category;
        var pollutant = e.Dominant.DisplayName();
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"Chỉ số tạm tính theo {e.Minutes} phút gần nhất: VN_AQI {e.Value} ({category.NameVi}), chủ yếu do {pollutant} ({Sentences.Vi(e.Concentration)} µg/m³); chỉ số giờ chính thức sẽ thay thế khi hết giờ / " +
            $"Provisional index from the last {e.Minutes} minutes: VN_AQI {e.Value} ({category.NameEn}), mainly {pollutant} ({e.Concentration:0.#} µg/m³); the official hourly index replaces it when the hour ends");
        return new Evidence("vn_aqi.provisional", Math.Min(1, e.Value / 300.0), e.Dominant.Metric(), e.Value, StationAqi.WarnAbove, Detail: detail, Provisional: true);
    }

    /// <summary>The last hour's official index; saying which provisional value it replaces when it does.</summary>
    private Evidence Official()
    {
        if (_aqi.LastHour is not { } hourly)
        {
            // Only when a provisional warning ends into an official incident held from an earlier hour, this hour unindexed.
            return new Evidence("vn_aqi", 0.5, Detail: "không đủ số liệu để tính chỉ số giờ; giữ mức của các giờ trước / not enough data for an hourly index; the earlier hours' level holds");
        }

        var category = hourly.Category;
        var pollutant = hourly.Dominant.DisplayName();
        var (vi, en) = _saidProvisional
            ? (string.Create(CultureInfo.InvariantCulture, $"; thay cho chỉ số tạm tính {_saidEstimate.Value} ({_saidEstimate.Category.NameVi})"),
                string.Create(CultureInfo.InvariantCulture, $"; replaces the provisional {_saidEstimate.Value} ({_saidEstimate.Category.NameEn})"))
            : ("", "");
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"VN_AQI giờ {hourly.Value} ({category.NameVi}), chủ yếu do {pollutant}{vi} / hourly VN_AQI {hourly.Value} ({category.NameEn}), mainly {pollutant}{en}");
        return new Evidence("vn_aqi", Math.Min(1, hourly.Value / 300.0), hourly.Dominant.Metric(), hourly.Value, StationAqi.KemAbove, Detail: detail);
    }

    /// <summary>Why it cleared (always as an hour closes): back to normal, or a provisional warning its hour did not bear out.</summary>
    private Evidence Cleared()
    {
        var hourly = _aqi.LastHour;
        if (!_saidProvisional)
        {
            var back = hourly is null ? "" : string.Create(CultureInfo.InvariantCulture, $" ({hourly.Value})");
            return new Evidence("vn_aqi", 0, hourly?.Dominant.Metric(), hourly?.Value, StationAqi.KemAbove, Detail: $"VN_AQI giờ trở lại mức bình thường{back} / hourly VN_AQI back to normal{back}");
        }

        var warned = _saidEstimate;
        var detail = hourly is { } h
            ? string.Create(CultureInfo.InvariantCulture,
                $"Chỉ số giờ chính thức VN_AQI {h.Value} ({h.Category.NameVi}) không xác nhận cảnh báo tạm tính {warned.Value} ({warned.Category.NameVi}); hết cảnh báo / " +
                $"The official hourly VN_AQI {h.Value} ({h.Category.NameEn}) did not confirm the provisional warning of {warned.Value} ({warned.Category.NameEn}); warning withdrawn")
            : string.Create(CultureInfo.InvariantCulture,
                $"Hết giờ nhưng không đủ số liệu để tính chỉ số giờ chính thức; cảnh báo tạm tính {warned.Value} ({warned.Category.NameVi}) không được xác nhận, hết cảnh báo / " +
                $"The hour ended without enough data for an official index; the provisional warning of {warned.Value} ({warned.Category.NameEn}) is unconfirmed and withdrawn");
        return new Evidence("vn_aqi", 0, hourly?.Dominant.Metric(), hourly?.Value, StationAqi.WarnAbove, Detail: detail);
    }
}
