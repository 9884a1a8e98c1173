using Microsoft.Playwright;

namespace IocCenter.DashboardTests;

/// <summary>The sign-in form every protected page shows first (console, admin, device page), filled as a person does.</summary>
internal static class SignInForm
{
    /// <summary>Types the user name and password into the page's sign-in form and sends it.</summary>
    public static async Task SignInAsync(this IPage page, string userName, string password)
    {
        await page.FillAsync("input[name=userName]", userName);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("button[type=submit]");
    }
}
