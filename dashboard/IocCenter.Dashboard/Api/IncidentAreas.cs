using System.Text.Json;
using System.Text.Json.Nodes;
using IocCenter.Analytics.Incidents;
using IocCenter.Geography;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace IocCenter.Dashboard.Api;

/// <summary>
/// Incidents as the API returns them: every field of the incident plus <c>areaName</c>, the name of its area in the
/// province pack (an area outage's subject is a commune code, which no officer reads).
/// </summary>
internal sealed class IncidentAreas(Province province, IOptions<JsonOptions> json)
{
    private readonly JsonSerializerOptions _options = json.Value.SerializerOptions;

    public JsonObject View(Incident incident)
    {
        var node = JsonSerializer.SerializeToNode(incident, _options)!.AsObject();
        node["areaName"] = province.FindArea(incident.Area)?.Name;
        return node;
    }

    public List<JsonObject> View(IEnumerable<Incident> incidents) => [.. incidents.Select(View)];
}
