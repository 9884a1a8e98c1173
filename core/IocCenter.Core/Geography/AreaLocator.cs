using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace IocCenter.Geography;

/// <summary>
/// Which area of the province a position is in. An area with a polygon contains the positions inside it (an
/// <see cref="STRtree{T}"/> of the polygons' envelopes, then <see cref="IndexedPointInAreaLocator"/>). A position in
/// none of them — a gap between generalised polygons, or a pack whose areas are only points — goes to the nearest
/// area, as long as the position is inside the province.
/// </summary>
public sealed class AreaLocator
{
    /// <summary>
    /// How far outside the outline a position or an area may lie and still count as inside (about 1 km): outlines are
    /// generalised, and a commune polygon or a device on the river bank may cross one by a few hundred metres.
    /// </summary>
    public const double ToleranceDegrees = 0.01;

    private readonly STRtree<(Area Area, IPointOnGeometryLocator Locator)> _polygons = new();
    private readonly IReadOnlyList<Area> _areas;
    private readonly IPreparedGeometry _inside;

    public AreaLocator(Province province)
    {
        ArgumentNullException.ThrowIfNull(province);
        _areas = province.Areas;
        foreach (var area in province.Areas)
        {
            if (area.Geometry is Polygon or MultiPolygon)
            {
                _polygons.Insert(area.Geometry.EnvelopeInternal, (area, new IndexedPointInAreaLocator(area.Geometry)));
            }
        }

        _polygons.Build();
        _inside = PreparedGeometryFactory.Prepare(Widened(province.Outline));
    }

    /// <summary>The outline widened by <see cref="ToleranceDegrees"/>: what "inside the province" means for a check.</summary>
    internal static Geometry Widened(Geometry outline) => outline.Buffer(ToleranceDegrees);

    /// <summary>Whether the position is inside the province (within <see cref="ToleranceDegrees"/> of its outline).</summary>
    public bool IsInside(double latitude, double longitude) =>
        _inside.Covers(_inside.Geometry.Factory.CreatePoint(new Coordinate(longitude, latitude)));

    /// <summary>The area at the position, or null when it is outside the province.</summary>
    public Area? Locate(double latitude, double longitude)
    {
        var at = new Coordinate(longitude, latitude);
        foreach (var (area, locator) in _polygons.Query(new Envelope(at)))
        {
            if (locator.Locate(at) != Location.Exterior)
            {
                return area;
            }
        }

        return IsInside(latitude, longitude) ? Nearest(at) : null;
    }

    private Area? Nearest(Coordinate at)
    {
        var point = _inside.Geometry.Factory.CreatePoint(at);
        Area? nearest = null;
        var best = double.MaxValue;
        foreach (var area in _areas)
        {
            var distance = area.Geometry.Distance(point);
            if (distance < best)
            {
                (nearest, best) = (area, distance);
            }
        }

        return nearest;
    }
}
