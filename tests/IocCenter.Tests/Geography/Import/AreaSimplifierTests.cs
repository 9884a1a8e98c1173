using IocCenter.Geography.Cli.Import;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;

namespace IocCenter.Tests.Geography.Import;

public sealed class AreaSimplifierTests
{
    private static readonly GeometryFactory Factory = new();

    private static Polygon[] Communes() =>
        ImportCommandTests.ToWgs84(ImportFixture.Cells(Factory, ImportFixture.KnownPoint.X, ImportFixture.KnownPoint.Y));

    [Fact]
    public void Simplify_AdjacentCommunes_SharedEdgesStaySharedNoGapNoOverlap()
    {
        var input = Communes();

        var result = AreaSimplifier.Simplify(input, AreaSimplifier.DefaultToleranceMetres);

        Assert.True(result.AsCoverage);
        Assert.Empty(result.Repaired);
        Assert.True(result.VerticesAfter < result.VerticesBefore / 5, $"{result.VerticesBefore} → {result.VerticesAfter}");
        var output = result.Geometries;
        Assert.All(output, g => Assert.True(g.IsValid));
        for (var i = 0; i + 1 < output.Count; i++)
        {
            // Interiors do not meet (no overlap), and the boundaries share one whole edge about 2 km long (no gap).
            Assert.True(output[i].Relate(output[i + 1], "F***1****"), $"{i} and {i + 1}: {output[i].Relate(output[i + 1])}");
            var shared = output[i].Boundary.Intersection(output[i + 1].Boundary);
            Assert.InRange(shared.Length * 110_600, 1_950, 2_100);
        }

        Assert.True(output[0].Disjoint(output[2]));
        var union = CascadedPolygonUnion.Union(output.ToArray());
        var polygon = Assert.IsType<Polygon>(union);
        Assert.Equal(0, polygon.NumInteriorRings);
        Assert.Equal(output.Sum(g => g.Area), union.Area, 12);
    }

    [Fact]
    public void Simplify_Overlapping_FallsBackToTopologyPreservingAndStaysValid()
    {
        var input = Communes();
        var shifted = (Polygon)input[1].Copy();
        shifted.Apply(new NetTopologySuite.Geometries.Utilities.AffineTransformation().Translate(-0.001, 0));
        shifted.GeometryChanged();

        var result = AreaSimplifier.Simplify([input[0], shifted], AreaSimplifier.DefaultToleranceMetres);

        Assert.False(result.AsCoverage);
        Assert.All(result.Geometries, g => Assert.True(g.IsValid));
        Assert.True(result.VerticesAfter < result.VerticesBefore);
    }

    [Fact]
    public void Simplify_SelfIntersecting_RepairedAndReported()
    {
        var bowtie = Factory.CreatePolygon([new(105.5, 10.3), new(105.6, 10.4), new(105.6, 10.3), new(105.5, 10.4), new(105.5, 10.3)]);

        var result = AreaSimplifier.Simplify([bowtie], AreaSimplifier.DefaultToleranceMetres);

        Assert.Equal([0], result.Repaired);
        Assert.True(result.Geometries[0].IsValid);
        Assert.Equal(bowtie.Envelope.Area / 2, result.Geometries[0].Area, 6);
    }
}
