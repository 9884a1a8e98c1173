using System.Globalization;

namespace IocCenter.Geography.Cli.Seed;

/// <summary>ATTRIBUTION.md and the licence files of a seeded pack.</summary>
internal static class PackTexts
{
    public const string OdmLicenseFile = "LICENSE-ODM-CC-BY-SA-4.0";
    public const string MitLicenseFile = "LICENSE-dvhcvn-MIT";

    public const string OdmLicense = """
        Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0)
        Legal code: https://creativecommons.org/licenses/by-sa/4.0/legalcode

        Applies to: outline.geojson and areas.geojson in this folder (the commune positions are derived from the outline).

        Source: "Địa phận tỉnh", Open Development Mekong / Department of Survey and Mapping (Viet Nam),
        https://data.vietnam.opendevelopmentmekong.net/dataset/a-phn-tnh

        Modified: provinces merged (dissolved) to the units in force since 1 July 2025, topology cleaned, coordinates
        quantised (about 4 m) and rounded to 5 decimals; commune positions placed inside the outline by iocc-province.

        Share-alike: if you adapt and share these files, you must share your adaptation under CC BY-SA 4.0 (or a
        compatible licence, see the legal code §3(b)), keep this notice and the attribution, and say what you changed.
        The full legal code is at the URI above (CC BY-SA 4.0 §3(a)(1)(C) allows it to be given by URI).
        The IocCenter source code around these files stays MIT; this licence covers the data files named above only.
        """;

    public static string Attribution(string provinceName, SeedSources sources, int areas, int seed) => string.Create(CultureInfo.InvariantCulture, $"""
        # {provinceName}: nguồn dữ liệu / data sources

        Gói tỉnh này do `iocc-province seed` tạo từ `../shared/geo/` (seed {seed}).
        This pack was made by `iocc-province seed` from `../shared/geo/` (seed {seed}).

        | tệp / file | nguồn / source | giấy phép / licence |
        |---|---|---|
        | `outline.geojson` | Open Development Mekong, "Địa phận tỉnh" (Department of Survey and Mapping) — **modified**: merged to the July 2025 province, quantised to about 4 m, rounded to 5 decimals | CC BY-SA 4.0, `{OdmLicenseFile}` |
        | `communes.json` | dvhcvn/20250701, from Công văn 1027/CTK-CSCL and the Nghị quyết of UBTVQH15 | MIT, `{MitLicenseFile}` |
        | `areas.geojson` | codes and names from `communes.json`; positions placed inside `outline.geojson` (below) | CC BY-SA 4.0 (positions derived from the outline); names MIT |
        | `province.json` | this project | MIT |

        Ghi nguồn / attribution lines (shown with the map):

        - {sources.OutlineAttribution}
        - {sources.CommunesAttribution}

        ## Vị trí xã là minh họa / commune positions are illustrative

        Khi tạo gói này chưa tìm được ranh giới xã mới nào theo giấy phép mở, nên {areas} xã được đặt thành
        điểm **gần đúng** bên trong ranh giới tỉnh, không phải vị trí thật. Mỗi xã có `approximate: true`, tệp
        `province.json` có `approximatePositions: true`, và màn hình ghi rõ điều này.

        No boundaries of the new communes could be found under an open licence when this pack was made, so the {areas} communes are
        **approximate** points inside the province outline, not their real places. How they were made: a fine grid of points
        inside the outline; k-means (Lloyd's algorithm, 40 rounds) over it for one point a commune, each snapped to the
        nearest grid point of its cluster so that it lies inside the outline; the points ordered along a Hilbert curve and the
        communes ordered by old province, old district (from `formed_from`) and code, then paired in that order. Communes
        formed from the same old district therefore sit next to each other, but not where they really are. Every area is
        flagged `approximate: true`. Replace them with the province's own polygons: `iocc-province import` (README,
        "Your own province / Tỉnh của bạn").
        """);
}
