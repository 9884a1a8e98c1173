using IocCenter.Dashboard.Live;
using IocCenter.Dashboard.Security;

namespace IocCenter.Dashboard.Api;

public sealed record NewUser(string? UserName, string? DisplayName, string? Role, string? Password);

public sealed record RoleChange(string? Role);

public sealed record DisabledChange(bool? Disabled);

public sealed record PasswordReset(string? Password);

/// <summary>
/// Admins manage people: add, change the role, disable and enable, reset the password, delete. Every change ends the
/// person's sessions on every instance (their security stamp changes; here their live connections close at once), and
/// none may leave the center without an enabled admin. A wrong input answers 400 with what is wrong, Vietnamese first.
/// </summary>
internal static class PeopleEndpoints
{
    public static void MapPeople(this RouteGroupBuilder admin)
    {
        admin.MapGet("/users", (UserStore users) => Results.Ok(users.Users()));

        admin.MapPost("/users", (NewUser request, UserStore users) =>
        {
            var problems = new Dictionary<string, string[]>();
            if (NameRule.Problem(request.UserName, NameOf.UserName, out var userName) is { } nameProblem)
            {
                problems["userName"] = [nameProblem];
            }

            var displayName = userName;
            if (!string.IsNullOrWhiteSpace(request.DisplayName) && NameRule.Problem(request.DisplayName, NameOf.FullName, out displayName) is { } displayProblem)
            {
                problems["displayName"] = [displayProblem];
            }

            if (request.Role is null || !Roles.IsValid(request.Role))
            {
                problems["role"] = [BadRole];
            }

            if (PasswordPolicy.Problem(request.Password, userName) is { } passwordProblem)
            {
                problems["password"] = [passwordProblem];
            }

            if (problems.Count > 0)
            {
                return Results.ValidationProblem(problems);
            }

            try
            {
                return Results.Ok(users.Create(userName, displayName, request.Role!, request.Password!));
            }
            catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteExtendedErrorCode == 2067)
            {
                return Results.Conflict(new { error = "Tên đăng nhập này đã có người sử dụng / This user name is taken" });
            }
        }).AddEndpointFilter(ApiEndpoints.ValidateAntiforgery);

        admin.MapPut("/users/{id:long}/role", (long id, RoleChange request, UserStore users, LiveBroadcaster live) =>
            request.Role is null || !Roles.IsValid(request.Role)
                ? Results.ValidationProblem(new Dictionary<string, string[]> { ["role"] = [BadRole] })
                : Answer(users.SetRole(id, request.Role), id, live))
            .AddEndpointFilter(ApiEndpoints.ValidateAntiforgery);

        admin.MapPut("/users/{id:long}/disabled", (long id, DisabledChange request, UserStore users, LiveBroadcaster live) =>
            request.Disabled is { } disabled
                ? Answer(users.SetDisabled(id, disabled), id, live)
                : Results.ValidationProblem(new Dictionary<string, string[]> { ["disabled"] = ["Thiếu disabled: true (khóa) hoặc false (mở khóa) / disabled must be true or false"] }))
            .AddEndpointFilter(ApiEndpoints.ValidateAntiforgery);

        admin.MapPut("/users/{id:long}/password", (long id, PasswordReset request, UserStore users, LiveBroadcaster live) =>
        {
            if (users.Find(id) is not { } person)
            {
                return Results.NotFound();
            }

            return PasswordPolicy.Problem(request.Password, person.UserName) is { } problem
                ? Results.ValidationProblem(new Dictionary<string, string[]> { ["password"] = [problem] })
                : Answer(users.SetPassword(id, request.Password!), id, live);
        }).AddEndpointFilter(ApiEndpoints.ValidateAntiforgery);

        admin.MapDelete("/users/{id:long}", (long id, UserStore users, LiveBroadcaster live) =>
            Answer(users.Delete(id), id, live))
            .AddEndpointFilter(ApiEndpoints.ValidateAntiforgery);
    }

    private const string BadRole = "Vai trò phải là người xem (viewer), cán bộ trực (officer) hoặc quản trị viên (admin) / The role must be viewer, officer or admin"
;

    public const string LastAdmin = "Không thể khóa, xóa hay hạ quyền quản trị viên cuối cùng còn hoạt động / The last enabled admin cannot be disabled, deleted or demoted";

    private static IResult Answer(PersonChange change, long id, LiveBroadcaster live)
    {
        switch (change)
        {
            case PersonChange.NotFound:
                return Results.NotFound();
            case PersonChange.LastAdmin:
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["user"] = [LastAdmin] });
            default:
                live.DisconnectPeople((person, _) => person == id); // here at once; other instances within their sweep
                return Results.NoContent();
        }
    }
}
