using System.Net;
using System.Text.RegularExpressions;

namespace IocCenter.DashboardTests;

/// <summary>What the dashboard tests share: free ports and signing in through the login form.</summary>
internal static partial class TestSupport
{
    public static int FreePort() => IntegrationTests.FreePorts.Next();

    /// <summary>Posts the login form with its anti-forgery token; the client keeps the cookies. Expects the redirect of a success.</summary>
    public static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string user, string password)
    {
        var response = await TryLoginAsync(client, user, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"login of {user} failed: {response.StatusCode}");
        }

        return response;
    }

    /// <summary>Posts the login form with its anti-forgery token, whatever comes back.</summary>
    public static async Task<HttpResponseMessage> TryLoginAsync(HttpClient client, string user, string password)
    {
        var page = await client.GetStringAsync(new Uri("/login", UriKind.Relative));
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["userName"] = user, ["password"] = password });
        return await client.PostAsync(new Uri("/login", UriKind.Relative), form);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
