using NetTopologySuite.Geometries;

namespace IocCenter.Geography;

/// <summary>
/// A commune-level unit of the province (xã, phường, đặc khu) since 1 July 2025. <see cref="Code"/> is the official
/// commune code: the <c>area</c> tag of readings and the area of incidents. <see cref="Geometry"/> is a polygon where
/// the province supplies one, else a point; <see cref="Approximate"/> says it was placed, not surveyed.
/// </summary>
public sealed record Area(string Code, string Name, string ShortName, string Type, Geometry Geometry, bool Approximate)
{
    /// <summary>Where a label or a marker for the area goes: the point itself, or a point inside the polygon.</summary>
    public Point Anchor { get; } = Geometry as Point ?? Geometry.InteriorPoint;
}
