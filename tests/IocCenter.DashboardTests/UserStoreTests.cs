using FsCheck;
using FsCheck.Xunit;
using IocCenter.Dashboard.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;

namespace IocCenter.DashboardTests;

/// <summary>The users database (an old one migrated in place, never without an admin) and the rules for names and passwords.</summary>
public sealed class UserStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "iocc-users-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void ADatabaseFromBeforeStamps_IsMigratedInPlace_ItsPeopleKeepTheirPasswords()
    {
        var path = Path.Combine(_folder, "users.db");
        using (var connection = new SqliteConnection("Data Source=" + path))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            var hash = new PasswordHasher<DashboardUser>().HashPassword(null!, "mat-khau-cu-2026");
            command.CommandText = $"""
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY, user_name TEXT NOT NULL UNIQUE COLLATE NOCASE, display_name TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('viewer', 'officer', 'admin')), password_hash TEXT NOT NULL,
                    created_at TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
                INSERT INTO users (user_name, display_name, role, password_hash, created_at) VALUES ('admin', 'admin', 'admin', '{hash}', '2026-01-01T00:00:00.0000000+00:00');
                """;
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var users = new UserStore(path);
        var again = new UserStore(path); // a second instance starting on it

        var admin = Assert.IsType<DashboardUser>(users.Verify("admin", "mat-khau-cu-2026"));
        Assert.Equal(32, admin.SecurityStamp.Length);
        Assert.Equal(admin.SecurityStamp, again.ActiveStamp(admin.Id));
        Assert.Equal(PersonChange.LastAdmin, again.SetDisabled(admin.Id, true));
    }

    [Fact]
    public void TheLastEnabledAdmin_IsNeverDisabledDeletedOrDemoted()
    {
        var users = new UserStore(Path.Combine(_folder, "users.db"));
        var first = users.Create("quan-tri-1", "", Roles.Admin, "quan-tri-mot-2026");
        var second = users.Create("quan-tri-2", "", Roles.Admin, "quan-tri-hai-2026");

        Assert.Equal(PersonChange.Done, users.SetDisabled(second.Id, true));
        Assert.Equal(PersonChange.LastAdmin, users.SetDisabled(first.Id, true));
        Assert.Equal(PersonChange.LastAdmin, users.SetRole(first.Id, Roles.Officer));
        Assert.Equal(PersonChange.LastAdmin, users.Delete(first.Id));
        Assert.Equal(PersonChange.Done, users.SetRole(first.Id, Roles.Admin)); // staying an admin is no demotion
        Assert.Equal(PersonChange.Done, users.Delete(second.Id)); // a disabled admin does not count
        Assert.Equal(PersonChange.NotFound, users.Delete(second.Id));
        Assert.Null(users.ActiveStamp(second.Id));
    }

    [Theory]
    [InlineData("aaaaaaaaaa", "lặp lại")]
    [InlineData("ĐĐĐĐĐĐĐĐĐĐĐĐ", "lặp lại")]
    [InlineData("1234567890", "phổ biến")]
    [InlineData("QWERTYUIOP", "phổ biến")]
    [InlineData("matkhau123", "phổ biến")]
    [InlineData("short", "ngắn hơn")]
    [InlineData("", "trống")]
    [InlineData("can-bo-truc", "trùng với tên đăng nhập")]
    [InlineData("CAN-BO-TRUC", "trùng với tên đăng nhập")]
    public void AWeakPassword_IsRefused_WithWhy(string password, string why) =>
        Assert.Contains(why, PasswordPolicy.Problem(password, "can-bo-truc"), StringComparison.Ordinal);

    [Property(MaxTest = 1000)]
    public bool ThePolicy_AnswersForAnyPasswordAndName(string? password, string? userName)
    {
        var problem = PasswordPolicy.Problem(password, userName);
        return problem is null
            ? password!.Length is >= PasswordPolicy.MinLength and <= PasswordPolicy.MaxLength && password.Distinct().Count() > 1
            : problem.Contains(" / ", StringComparison.Ordinal);
    }

    [Property(MaxTest = 2000)]
    public bool ANameRule_TrimsAndBounds_AnyString(string? value)
    {
        var problem = NameRule.Problem(value, NameOf.Wall, out var name);
        return problem is null
            ? new System.Globalization.StringInfo(name).LengthInTextElements is >= 1 and <= NameRule.MaxLength && name == name.Trim() && !name.Any(char.IsControl)
              && name.IsNormalized(System.Text.NormalizationForm.FormC)
            : problem.Contains(" / ", StringComparison.Ordinal);
    }

    [Property(MaxTest = 500)]
    public bool AnyAcceptedName_CanBeCreated(NonEmptyString userName)
    {
        if (NameRule.Problem(userName.Get, NameOf.UserName, out var name) is not null)
        {
            return true;
        }

        var users = new UserStore(Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".db"));
        var user = users.Create(name, name, Roles.Viewer, "mot-mat-khau-tot-2026");
        return users.Verify(userName.Get, "mot-mat-khau-tot-2026")?.Id == user.Id;
    }

    [Theory]
    [InlineData("   ", false)]
    [InlineData("a\u0000b", false)]
    [InlineData("a\u202eb", false)]
    [InlineData("a\nb", false)]
    [InlineData("Nguyễn Văn An", true)]
    [InlineData("  cán-bộ  ", true)]
    [InlineData("trực ban 😀", true)]
    [InlineData("\u3164", false)]                 // Hangul filler: a letter that draws nothing
    [InlineData("\u2800", false)]                 // blank Braille pattern
    [InlineData("a\u3000b", false)]               // ideographic space
    [InlineData("x\u0301\u0301\u0301", false)]    // three accents stacked on one letter
    [InlineData("tro\u0302\u0323n", true)]        // NFD Vietnamese (o + circumflex + dot below): two marks, stored as "trộn"
    [InlineData("\u0430dmin", false)]             // Cyrillic а + Latin dmin: passes for "admin"
    [InlineData("админ", true)]                   // all Cyrillic: a name, not a look-alike
    [InlineData("😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀b", true)] // 33 characters as a person counts them
    public void Names_ArePrintable(string value, bool accepted) =>
        Assert.Equal(accepted, NameRule.Problem(value, NameOf.Wall, out _) is null);

    [Fact]
    public void ABrokenSurrogatePair_IsNotAName() // built here: a test case's text would be mended on its way through the runner
    {
        Assert.NotNull(NameRule.Problem(new string(['\ud800', 'a', 'b']), NameOf.Wall, out _));
        Assert.NotNull(NameRule.Problem(new string(['a', '\udc00']), NameOf.Wall, out _));
    }
}
