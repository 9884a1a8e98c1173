namespace IocCenter.Analytics.AirQuality;

/// <summary>The six levels of QĐ 1459/QĐ-TCMT Table 1, with the official names and colours.</summary>
public sealed record AqiCategory(int Level, int Low, int High, string NameVi, string NameEn, string ColorVi, string ColorHex)
{
    public static IReadOnlyList<AqiCategory> All { get; } =
    [
        new(1, 0, 50, "Tốt", "Good", "Xanh", "#00E400"),
        new(2, 51, 100, "Trung bình", "Moderate", "Vàng", "#FFFF00"),
        new(3, 101, 150, "Kém", "Poor", "Da cam", "#FF7E00"),
        new(4, 151, 200, "Xấu", "Bad", "Đỏ", "#FF0000"),
        new(5, 201, 300, "Rất xấu", "Very bad", "Tím", "#8F3F97"),
        new(6, 301, 500, "Nguy hại", "Hazardous", "Nâu", "#7E0023"),
    ];

    public static AqiCategory Of(int aqi)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(aqi);
        foreach (var category in All)
        {
            if (aqi <= category.High)
            {
                return category;
            }
        }

        return All[^1];
    }
}
