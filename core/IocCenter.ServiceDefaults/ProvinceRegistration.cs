using IocCenter.Geography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IocCenter.Hosting;

public static class ProvinceRegistration
{
    /// <summary>
    /// The deployment's province, from the pack at <c>Province:Path</c> (default: the packaged Đồng Tháp). Every problem
    /// in the pack is a validation failure at start, so the host lists them all and exits 2.
    /// </summary>
    public static IHostApplicationBuilder AddProvince(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ProvinceOptions>().BindConfiguration(ProvinceOptions.Section).ValidateOnStart();
        builder.Services.TryAddSingleton<LoadedPack>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProvinceOptions>, PackValidation>());
        builder.Services.TryAddSingleton(sp =>
        {
            var (province, problems) = sp.GetRequiredService<LoadedPack>().Get(sp.GetRequiredService<IOptions<ProvinceOptions>>().Value.Path);
            return province ?? throw new OptionsValidationException(ProvinceOptions.Section, typeof(ProvinceOptions), problems.Select(p => p.ToString()));
        });
        return builder;
    }

    /// <summary>The pack, read once per path (validation and the services share it).</summary>
    private sealed class LoadedPack
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<(Province?, IReadOnlyList<PackProblem>)>> _loaded = new(StringComparer.Ordinal);

        public (Province? Province, IReadOnlyList<PackProblem> Problems) Get(string path) =>
            _loaded.GetOrAdd(path, p => new(() => ProvincePack.Load(p))).Value;
    }

    private sealed class PackValidation(LoadedPack pack) : IValidateOptions<ProvinceOptions>
    {
        public ValidateOptionsResult Validate(string? name, ProvinceOptions options)
        {
            var (_, problems) = pack.Get(options.Path);
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => p.ToString()));
        }
    }
}
