using IocCenter.Devices;
using IocCenter.Geography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IocCenter.Hosting;

public static class ProvinceRegistration
{
    /// <summary>
    /// The deployment's province, from the pack at <c>Province:Path</c> (default: the packaged Đồng Tháp). Every problem
    /// in the pack is a validation failure at start, so the host lists them all and exits 2. The device registry
    /// (<see cref="DeviceDirectory"/>) is <c>Devices:RegistryPath</c> when set, else the pack's <c>devices.json</c>, checked
    /// against the province like the rest of the pack. Safe to call more than once (ingest and analytics both do).
    /// </summary>
    public static IHostApplicationBuilder AddProvince(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(LoadedPack)))
        {
            return builder;
        }

        builder.Services.AddOptions<ProvinceOptions>().BindConfiguration(ProvinceOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<LoadedPack>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProvinceOptions>, PackValidation>());
        builder.Services.TryAddSingleton(sp =>
        {
            var (province, problems) = sp.GetRequiredService<LoadedPack>().Get(sp.GetRequiredService<IOptions<ProvinceOptions>>().Value.Path);
            return province ?? throw new OptionsValidationException(ProvinceOptions.Section, typeof(ProvinceOptions), problems.Select(p => p.ToString()));
        });
        builder.Services.TryAddSingleton(sp => DeviceDirectory.Of(sp.GetRequiredService<Province>()));
        return builder;
    }

    /// <summary>
    /// Whether a configured registry lists devices (the pack's devices.json or <c>Devices:RegistryPath</c>; not the
    /// simulated demo fleet): what the defaults of <c>Analytics:WatchUnregisteredDevices</c>, <c>Dashboard:KpiDevices</c>
    /// and the embedded broker's authentication key on. False while the pack is invalid: its own validation reports why.
    /// </summary>
    public static bool ListsRegisteredDevices(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            return services.GetService<DeviceDirectory>() is { Lists: true };
        }
        catch (OptionsValidationException)
        {
            return false;
        }
    }

    /// <summary>The pack with its registry, read once per path (validation and the services share it).</summary>
    private sealed class LoadedPack(IConfiguration configuration)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<(Province?, IReadOnlyList<PackProblem>)>> _loaded = new(StringComparer.Ordinal);

        public (Province? Province, IReadOnlyList<PackProblem> Problems) Get(string path) =>
            _loaded.GetOrAdd(path, p => new(() => ProvincePack.Load(p, configuration["Devices:RegistryPath"]))).Value;
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
