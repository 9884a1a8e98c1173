namespace IocCenter.Geography;

/// <summary>Bound from configuration section <c>Province</c>.</summary>
public sealed class ProvinceOptions
{
    public const string Section = "Province";

    /// <summary>The packaged Đồng Tháp pack beside the binary.</summary>
    public static string DefaultPath { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "provinces", "dong-thap");

    /// <summary>The province pack folder (docs/province-pack.md).</summary>
    public string Path { get; set; } = DefaultPath;
}
