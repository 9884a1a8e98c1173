namespace IocCenter.Analytics.AirQuality;

/// <summary>The pollutants of VN_AQI, with the metric each is read from.</summary>
public enum AqiPollutant
{
    Pm25,
    Pm10,
    O3,
    No2,
    So2,
    Co,
}

public static class AqiPollutants
{
    /// <summary>In this order a tie between sub-indices names the dominant pollutant.</summary>
    public static IReadOnlyList<AqiPollutant> All { get; } = [AqiPollutant.Pm25, AqiPollutant.Pm10, AqiPollutant.O3, AqiPollutant.No2, AqiPollutant.So2, AqiPollutant.Co];

    public static string Metric(this AqiPollutant pollutant) => pollutant switch
    {
        AqiPollutant.Pm25 => "pm25_ugm3",
        AqiPollutant.Pm10 => "pm10_ugm3",
        AqiPollutant.O3 => "o3_ugm3",
        AqiPollutant.No2 => "no2_ugm3",
        AqiPollutant.So2 => "so2_ugm3",
        AqiPollutant.Co => "co_ugm3",
        _ => throw new ArgumentOutOfRangeException(nameof(pollutant)),
    };

    /// <summary>The name an officer reads (the same in Vietnamese and English).</summary>
    public static string DisplayName(this AqiPollutant pollutant) => pollutant switch
    {
        AqiPollutant.Pm25 => "PM2.5",
        AqiPollutant.Pm10 => "PM10",
        AqiPollutant.O3 => "O3",
        AqiPollutant.No2 => "NO2",
        AqiPollutant.So2 => "SO2",
        AqiPollutant.Co => "CO",
        _ => throw new ArgumentOutOfRangeException(nameof(pollutant)),
    };

    /// <summary>PM2.5 and PM10 are reported as a NowCast over 12 hours; the gases as the hour's mean.</summary>
    public static bool UsesNowCast(this AqiPollutant pollutant) => pollutant is AqiPollutant.Pm25 or AqiPollutant.Pm10;
}
