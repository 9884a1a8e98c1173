using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Shape.Fractal;

namespace IocCenter.Geography.Cli.Seed;

/// <summary>
/// Places <c>n</c> illustrative points evenly inside a province outline, deterministically: a fine grid of points
/// inside the polygon, k-means (Lloyd) over it, each centre snapped to the grid point of its cluster nearest to it
/// (so every point is inside, even in a concave outline), and the result ordered along a Hilbert curve, so that
/// consecutive points are neighbours on the map.
/// </summary>
internal static class PointPlacement
{
    private const int GridPointsPerArea = 80;
    private const int Iterations = 40;
    private const int HilbertLevel = 15;

    public static IReadOnlyList<Coordinate> Place(Geometry outline, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(outline);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var envelope = outline.EnvelopeInternal;
        var squash = Math.Cos(envelope.Centre.Y * Math.PI / 180);
        var grid = Grid(outline, count, seed, squash);
        if (grid.Count < count)
        {
            throw new InvalidOperationException($"outline too small for {count} points");
        }

        var centres = Enumerable.Range(0, count).Select(i => grid[(int)((i + 0.5) * grid.Count / count)]).ToArray();
        var owner = new int[grid.Count];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            Assign(grid, centres, owner, squash);
            var sums = new (double X, double Y, int N)[count];
            for (var p = 0; p < grid.Count; p++)
            {
                ref var sum = ref sums[owner[p]];
                sum = (sum.X + grid[p].X, sum.Y + grid[p].Y, sum.N + 1);
            }

            for (var c = 0; c < count; c++)
            {
                if (sums[c].N > 0)
                {
                    centres[c] = new Coordinate(sums[c].X / sums[c].N, sums[c].Y / sums[c].N);
                }
            }
        }

        Assign(grid, centres, owner, squash);
        var snapped = new Coordinate[count];
        var best = Enumerable.Repeat(double.MaxValue, count).ToArray();
        for (var p = 0; p < grid.Count; p++)
        {
            var c = owner[p];
            var d = Distance2(grid[p], centres[c], squash);
            if (d < best[c])
            {
                (best[c], snapped[c]) = (d, grid[p]);
            }
        }

        return snapped.Select((s, c) => s ?? grid[(int)((c + 0.5) * grid.Count / count)])
            .Distinct()
            .OrderBy(c => Hilbert(c, envelope))
            .ToList();
    }

    private static List<Coordinate> Grid(Geometry outline, int count, int seed, double squash)
    {
        var envelope = outline.EnvelopeInternal;
        var step = Math.Sqrt(outline.Area / (count * GridPointsPerArea));
        var random = new Random(seed);
        var (offsetX, offsetY) = (random.NextDouble() * step / squash, random.NextDouble() * step);
        var locator = new IndexedPointInAreaLocator(outline);
        var grid = new List<Coordinate>();
        for (var y = envelope.MinY + offsetY; y <= envelope.MaxY; y += step)
        {
            for (var x = envelope.MinX + offsetX; x <= envelope.MaxX; x += step / squash)
            {
                var point = new Coordinate(Math.Round(x, 5), Math.Round(y, 5));
                if (locator.Locate(point) == Location.Interior)
                {
                    grid.Add(point);
                }
            }
        }

        return grid.OrderBy(c => Hilbert(c, envelope)).ToList();
    }

    private static void Assign(List<Coordinate> grid, Coordinate[] centres, int[] owner, double squash)
    {
        for (var p = 0; p < grid.Count; p++)
        {
            var (best, bestDistance) = (0, double.MaxValue);
            for (var c = 0; c < centres.Length; c++)
            {
                var d = Distance2(grid[p], centres[c], squash);
                if (d < bestDistance)
                {
                    (best, bestDistance) = (c, d);
                }
            }

            owner[p] = best;
        }
    }

    /// <summary>Squared distance on a local plane: a degree of longitude is shorter than a degree of latitude.</summary>
    private static double Distance2(Coordinate a, Coordinate b, double squash)
    {
        var dx = (a.X - b.X) * squash;
        var dy = a.Y - b.Y;
        return (dx * dx) + (dy * dy);
    }

    private static int Hilbert(Coordinate c, Envelope envelope)
    {
        const int Max = (1 << HilbertLevel) - 1;
        var size = Math.Max(envelope.Width, envelope.Height);
        var x = (int)Math.Clamp((c.X - envelope.MinX) / size * Max, 0, Max);
        var y = (int)Math.Clamp((c.Y - envelope.MinY) / size * Max, 0, Max);
        return HilbertCode.Encode(HilbertLevel, x, y);
    }
}
