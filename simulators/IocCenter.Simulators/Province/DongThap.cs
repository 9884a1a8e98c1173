namespace IocCenter.Simulators.Province;

/// <summary>
/// Đồng Tháp's district-level areas (before the 2025 reorganisation) with approximate centres: enough to
/// draw the province and spread devices across it without any map service.
/// </summary>
public static class DongThap
{
    public const string Name = "Đồng Tháp";

    public static IReadOnlyList<Area> Areas { get; } =
    [
        new("cao-lanh", "TP. Cao Lãnh", 10.4600, 105.6330),
        new("sa-dec", "TP. Sa Đéc", 10.2930, 105.7590),
        new("hong-ngu", "TP. Hồng Ngự", 10.8080, 105.3410),
        new("tan-hong", "Huyện Tân Hồng", 10.8720, 105.4620),
        new("tam-nong", "Huyện Tam Nông", 10.7290, 105.5220),
        new("thanh-binh", "Huyện Thanh Bình", 10.5940, 105.4830),
        new("thap-muoi", "Huyện Tháp Mười", 10.5430, 105.8400),
        new("cao-lanh-huyen", "Huyện Cao Lãnh", 10.4790, 105.7010),
        new("lap-vo", "Huyện Lấp Vò", 10.3580, 105.5210),
        new("lai-vung", "Huyện Lai Vung", 10.2880, 105.6480),
        new("chau-thanh", "Huyện Châu Thành", 10.2420, 105.8000),
    ];
}
