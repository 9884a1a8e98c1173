using IocCenter.Dashboard.Security;
using IocCenter.Geography;
using NetTopologySuite.Features;

namespace IocCenter.Dashboard.Api;

/// <summary>
/// <c>GET /api/province</c>: the deployment's geography for the maps (outline and areas as GeoJSON, names from the
/// pack), served by the app itself so the maps work on an isolated network. It changes only with a restart, so
/// browsers may keep it for a while.
/// </summary>
public static class ProvinceEndpoint
{
    public static void MapProvince(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/province", (Province province, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "private, max-age=300";
            return Results.Json(ToView(province), ProvincePack.GeoJsonOptions);
        }).RequireAuthorization(Policies.Viewer);
    }

    private static object ToView(Province province)
    {
        var outline = new FeatureCollection { new Feature(province.Outline, new AttributesTable { { "code", province.Code }, { "name", province.Name } }) };
        var areas = new FeatureCollection();
        foreach (var area in province.Areas)
        {
            areas.Add(new Feature(area.Geometry, new AttributesTable
            {
                { "code", area.Code },
                { "name", area.Name },
                { "shortName", area.ShortName },
                { "type", area.Type },
                { "approximate", area.Approximate },
                { "anchor", new[] { area.Anchor.X, area.Anchor.Y } },
            }));
        }

        return new
        {
            code = province.Code,
            name = province.Name,
            fullName = province.FullName,
            timeZone = province.TimeZone,
            approximatePositions = province.ApproximatePositions,
            attribution = province.Attribution,
            outline,
            areas,
        };
    }
}
