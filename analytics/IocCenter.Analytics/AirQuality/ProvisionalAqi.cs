namespace IocCenter.Analytics.AirQuality;

/// <summary>
/// A provisional VN_AQI: what this hour's index would be if the last <see cref="Minutes"/> minutes' concentrations
/// held to the end of the hour. <see cref="Concentration"/> is the dominant pollutant's level over those minutes
/// (µg/m³), before the NowCast.
/// </summary>
public readonly record struct ProvisionalAqi(int Value, AqiPollutant Dominant, double Concentration, int Minutes)
{
    public AqiCategory Category => AqiCategory.Of(Value);
}
