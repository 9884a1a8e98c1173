using NetTopologySuite.Coverage;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Simplify;

namespace IocCenter.Geography.Cli.Import;

/// <summary>What simplification did: vertices before and after, and the features it had to repair.</summary>
internal sealed record Simplification(IReadOnlyList<Geometry> Geometries, int VerticesBefore, int VerticesAfter, bool AsCoverage, IReadOnlyList<int> Repaired);

/// <summary>
/// Simplifies commune polygons (WGS84) so the wall draws them fast, keeping their topology. When the communes form a
/// clean coverage (no overlaps, shared edges noded alike) NetTopologySuite's <see cref="CoverageSimplifier"/> simplifies
/// each shared edge once, so neighbours stay neighbours with no gap or overlap; otherwise each polygon goes through
/// <see cref="TopologyPreservingSimplifier"/>. Invalid polygons are repaired first (<see cref="GeometryFixer"/>), and
/// coordinates are rounded to 5 decimals (about 1 m).
/// </summary>
internal static class AreaSimplifier
{
    /// <summary>Default tolerance: 30 m, a tenth of a pixel or less on a province-wide wall map.</summary>
    public const double DefaultToleranceMetres = 30;

    /// <summary>The largest tolerance <c>import</c> accepts.</summary>
    public const double MaxToleranceMetres = 500;

    private const double MetresPerDegree = 111_320;

    public static Simplification Simplify(IReadOnlyList<Geometry> polygons, double toleranceMetres)
    {
        ArgumentNullException.ThrowIfNull(polygons);
        var repaired = new List<int>();
        var input = new Geometry[polygons.Count];
        for (var i = 0; i < polygons.Count; i++)
        {
            input[i] = polygons[i].IsValid ? polygons[i] : Repair(polygons[i], i, repaired);
        }

        var before = input.Sum(g => g.NumPoints);
        var tolerance = toleranceMetres / MetresPerDegree;
        var asCoverage = input.Length > 0 && toleranceMetres > 0 && CoverageValidator.IsValid(input);
        var simplified = toleranceMetres <= 0 ? input.Select(g => g.Copy()).ToArray()
            : asCoverage ? CoverageSimplifier.Simplify(input, tolerance)
            : input.Select(g => TopologyPreservingSimplifier.Simplify(g, tolerance)).ToArray();
        for (var i = 0; i < simplified.Length; i++)
        {
            simplified[i].Apply(new Rounding());
            simplified[i].GeometryChanged();
            if (!simplified[i].IsValid)
            {
                simplified[i] = Repair(simplified[i], i, repaired);
            }
        }

        return new(simplified, before, simplified.Sum(g => g.NumPoints), asCoverage, repaired.Distinct().Order().ToList());
    }

    private static Geometry Repair(Geometry geometry, int index, List<int> repaired)
    {
        repaired.Add(index);
        return GeometryFixer.Fix(geometry);
    }

    private sealed class Rounding : ICoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            seq.SetX(i, Math.Round(seq.GetX(i), 5));
            seq.SetY(i, Math.Round(seq.GetY(i), 5));
        }
    }
}
