namespace IocCenter.Dashboard.Api;

/// <summary>
/// A 400 that ASP.NET Core answers before an endpoint runs (a body that is not JSON, a field of the wrong type, no
/// body) has no body of its own: the API says what is wrong, as its endpoints do, in a problem-details object.
/// </summary>
public static class EmptyBadRequests
{
    private const string Body = """
        {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"Yêu cầu không hợp lệ / Bad request","status":400,"detail":"Nội dung không phải JSON hợp lệ, hoặc thiếu hay sai kiểu một trường / The body is not valid JSON, or a field is missing or of the wrong type"}
        """;

    public static IApplicationBuilder UseApiBadRequestBodies(this IApplicationBuilder app) =>
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (http.Response.StatusCode == StatusCodes.Status400BadRequest && http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                http.Response.ContentType = "application/problem+json; charset=utf-8";
                await http.Response.WriteAsync(Body);
            }
        });
}
