namespace IocCenter.Analytics.Agencies;

/// <summary>An agency that owns incidents: its name and who hears of them (recipients: <c>email:…</c>, <c>webhook:…</c>, <c>telegram:…</c>).</summary>
public sealed class Agency
{
    public string Name { get; set; } = "";

    public string? NameEn { get; set; }

    /// <summary>Told when one of its incidents opens (the agency's duty desk).</summary>
    public List<string> Notify { get; set; } = [];

    /// <summary>Told when nobody has acknowledged one of its incidents after the second escalation step (the agency's leader).</summary>
    public List<string> Leaders { get; set; } = [];
}

/// <summary>
/// Who owns an incident, first matching rule wins. Every field left empty matches anything; <see cref="Notify"/> is told
/// besides the agency's own recipients.
/// </summary>
public sealed class RoutingRule
{
    /// <summary><c>traffic</c>, <c>environment</c> or <c>connectivity</c>.</summary>
    public string? Domain { get; set; }

    /// <summary>An incident kind code: <c>congestion</c>, <c>air_quality</c>, <c>device_offline</c>, …</summary>
    public string? Kind { get; set; }

    /// <summary>Commune-level area codes.</summary>
    public List<string> Areas { get; set; } = [];

    /// <summary>The least severity the rule takes: <c>warning</c>, <c>minor</c>, <c>major</c>, <c>critical</c>.</summary>
    public string? MinSeverity { get; set; }

    public string Agency { get; set; } = "";

    public List<string> Notify { get; set; } = [];
}

/// <summary>
/// Bound from <c>Routing</c>. The four built-in agencies are the 2025 provincial departments (and the IOC itself, for
/// what no rule takes); configuration adds agencies and recipients. Configured rules are tried first, then the
/// built-in ones (traffic → Sở Xây dựng, environment → Sở Nông nghiệp và Môi trường, connectivity and area outages →
/// Sở Khoa học và Công nghệ), then <see cref="DefaultAgency"/>.
/// </summary>
public sealed class RoutingOptions
{
    public const string Section = "Routing";

    public const string Construction = "so-xay-dung";
    public const string AgricultureEnvironment = "so-nong-nghiep-moi-truong";
    public const string ScienceTechnology = "so-khoa-hoc-cong-nghe";
    public const string OperationsCenter = "trung-tam-ioc";

    public Dictionary<string, Agency> Agencies { get; set; } = new(StringComparer.Ordinal)
    {
        [Construction] = new() { Name = "Sở Xây dựng", NameEn = "Department of Construction" },
        [AgricultureEnvironment] = new() { Name = "Sở Nông nghiệp và Môi trường", NameEn = "Department of Agriculture and Environment" },
        [ScienceTechnology] = new() { Name = "Sở Khoa học và Công nghệ", NameEn = "Department of Science and Technology" },
        [OperationsCenter] = new() { Name = "Trung tâm Giám sát, Điều hành thông minh", NameEn = "Intelligent Operations Center" },
    };

    public List<RoutingRule> Rules { get; set; } = [];

    public string DefaultAgency { get; set; } = OperationsCenter;

    /// <summary>The rules that follow the configured ones.</summary>
    public static IReadOnlyList<RoutingRule> BuiltInRules { get; } =
    [
        new() { Kind = "area_outage", Agency = ScienceTechnology },
        new() { Domain = "traffic", Agency = Construction },
        new() { Domain = "environment", Agency = AgricultureEnvironment },
        new() { Domain = "connectivity", Agency = ScienceTechnology },
    ];
}

/// <summary>
/// Bound from <c>Escalation</c>. An open incident nobody has acknowledged after <see cref="AfterMinutes"/> (by severity;
/// absent or 0: never) goes to the shift leader; after twice that, to its agency's leaders too; then both are
/// reminded every <see cref="RemindEveryMinutes"/> until someone acknowledges it, its condition clears, or it is
/// resolved.
/// </summary>
public sealed class EscalationOptions
{
    public const string Section = "Escalation";

    public Dictionary<string, int> AfterMinutes { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["critical"] = 5,
        ["major"] = 15,
    };

    public int RemindEveryMinutes { get; set; } = 30;

    /// <summary>The IOC's shift leader (trưởng ca trực).</summary>
    public List<string> ShiftLeader { get; set; } = [];

    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(15);
}
