using NetTopologySuite.Geometries;

namespace IocCenter.Geography.Cli.Import;

/// <summary>
/// Converts a geometry to WGS84 in place and checks each coordinate: finite, and inside a box around Viet Nam
/// (islands included). A coordinate outside it almost always means the wrong coordinate system.
/// </summary>
internal sealed class Wgs84Conversion(ReferenceSystem system) : ICoordinateSequenceFilter
{
    public const double West = 100, East = 118, South = 6, North = 24;

    public string? Problem { get; private set; }

    public bool Done => Problem is not null;

    public bool GeometryChanged => true;

    public void Filter(CoordinateSequence seq, int i)
    {
        ArgumentNullException.ThrowIfNull(seq);
        var (x, y) = (seq.GetX(i), seq.GetY(i));
        if (!double.IsFinite(x) || !double.IsFinite(y))
        {
            Problem = "tọa độ không phải số (NaN/vô cực) / a coordinate is not a number (NaN/infinity)";
            return;
        }

        var (lon, lat) = system.ToWgs84(x, y);
        if (!double.IsFinite(lon) || !double.IsFinite(lat) || lon is < West or > East || lat is < South or > North)
        {
            Problem = FormattableString.Invariant(
                $"tọa độ ({x}, {y}) → ({lon:0.#####}, {lat:0.#####}) nằm ngoài Việt Nam: sai hệ tọa độ? / coordinate ({x}, {y}) → ({lon:0.#####}, {lat:0.#####}) is outside Viet Nam: wrong coordinate system?");
            return;
        }

        seq.SetX(i, lon);
        seq.SetY(i, lat);
    }
}
