using IocCenter.Analytics;
using IocCenter.Dashboard.Security;
using IocCenter.Devices;
using IocCenter.Ingest;
using IocCenter.Simulators.Fleet;
using IocCenter.Storage;
using IocCenter.Storage.Influx;
using IocCenter.Storage.Sqlite;
using IocCenter.Hosting;
using IocCenter.Telemetry;
using Microsoft.Extensions.Options;

namespace IocCenter.Dashboard;

public static class AllInOneRegistration
{
    /// <summary>
    /// The whole IOC in one process: the embedded broker, ingest into the embedded SQLite store (InfluxDB when
    /// <c>Influx:Url</c> is set), analytics, and the built-in simulator fleet, each switchable off in configuration.
    /// Every relative data path lands under <see cref="AllInOneOptions.DataPath"/>.
    /// </summary>
    public static WebApplicationBuilder AddAllInOne(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = configuration.GetSection(AllInOneOptions.Section).Get<AllInOneOptions>() ?? new AllInOneOptions();
        builder.Services.AddOptions<AllInOneOptions>().BindConfiguration(AllInOneOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Defaults under the one data folder, unless configured otherwise.
        var data = options.DataPath;
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ingest:DataPath"] = configuration["Ingest:DataPath"] ?? Path.Combine(data, "ingest"),
            ["Analytics:DatabasePath"] = configuration["Analytics:DatabasePath"] ?? Path.Combine(data, "analytics", "incidents.db"),
            ["Mqtt:Url"] = configuration["Mqtt:Url"] ?? $"mqtt://127.0.0.1:{options.BrokerPort}",
            ["Simulator:BrokerUrl"] = configuration["Simulator:BrokerUrl"] ?? configuration["Mqtt:Url"] ?? $"mqtt://127.0.0.1:{options.BrokerPort}",
        });

        if (options.EmbeddedBroker)
        {
            AddBrokerAccounts(builder, options);

            // First: hosted services start in order, and stop in reverse (the broker goes last).
            builder.Services.AddSingleton(sp => new Broker.BrokerRefusals(
                sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ILogger<Broker.BrokerRefusals>>()));
            builder.Services.AddHostedService<EmbeddedBroker>();
        }

        if (!options.Ingest && string.IsNullOrEmpty(configuration["Influx:Url"]))
        {
            throw new InvalidOperationException(
                "AllInOne:Ingest=false needs Influx:Url: the screens' charts read the history ingest stored there / thiếu Influx:Url khi không chạy ingest");
        }

        if (string.IsNullOrEmpty(configuration["Influx:Url"]))
        {
            var store = new SqliteTelemetryStore(Path.Combine(data, "telemetry", "telemetry.db"));
            builder.Services.AddSingleton(store);
            builder.Services.AddSingleton<ITelemetryStore>(store);
            builder.Services.AddSingleton<ITelemetryHistory>(store);
        }

        builder.AddProvince();
        if (options.Simulators)
        {
            // The demo fleet spreads over the province pack's communes: AllInOne:DevicesPerArea of each domain in each,
            // unless Simulator:Traffic/Environment/Connectivity say how many.
            builder.Services.AddSingleton(sp => BuiltInFleet.Plan(configuration, options, sp.GetRequiredService<Geography.Province>()));

            // The simulated devices are the registry too (their areas), unless a registry is configured (the pack's
            // devices.json or Devices:RegistryPath).
            builder.Services.AddSingleton(sp =>
            {
                var province = sp.GetRequiredService<Geography.Province>();
                return province.Devices is not null
                    ? DeviceDirectory.Of(province)
                    : new DeviceDirectory(FleetPlan.Create(sp.GetRequiredService<FleetOptions>(), province).Select(d => d.Record));
            });
        }

        // The screens' live view: its own copy of every reading ingest accepts, and the incident changes.
        builder.Services.AddOptions<Live.WallDevicesOptions>().BindConfiguration(Live.WallDevicesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            // The tiles count registered devices only once a registry lists some; the demo fleet counts everything.
            var devices = sp.GetRequiredService<IOptions<Live.WallDevicesOptions>>().Value;
            var directory = sp.GetRequiredService<DeviceDirectory>();
            devices.KpiDevices ??= directory.Lists ? Live.KpiDevices.Registered : Live.KpiDevices.All;
            // Silent means the same on the screens as in analytics' device_offline rule, so an offline device has its incident.
            var rules = configuration.GetSection(IocCenter.Analytics.Detectors.RuleOptions.Section).Get<IocCenter.Analytics.Detectors.RuleOptions>() ?? new();
            devices.MinSilence = rules.MinSilence;
            devices.SilenceIntervals = rules.SilenceIntervals;
            return new Live.LiveState(directory, sp.GetRequiredService<IocCenter.Analytics.Incidents.IIncidents>(), sp.GetRequiredService<TimeProvider>(), devices, sp.GetRequiredService<Geography.Province>());
        });
        builder.Services.AddSingleton<IReadingSink>(sp => sp.GetRequiredService<Live.LiveState>().Readings);
        builder.Services.AddSingleton(_ => new Live.DeviceStateStore(Path.Combine(data, "dashboard", "devices.db")));
        builder.Services.AddHostedService<Live.DeviceStateKeeper>(); // before the broadcaster: screens start from the saved states
        builder.Services.AddSingleton<Live.LiveBroadcaster>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Live.LiveBroadcaster>());
        builder.AddDashboardSecurity(data);
        builder.Services.AddSingleton<Api.IncidentAreas>();
        builder.Services.AddOpenApi();
        // A body the API cannot read answers 400 in every environment (Development would throw to its error page);
        // Api.EmptyBadRequests gives it the words.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        builder.Services.ConfigureHttpJsonOptions(o =>
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower)));
        var signalR = builder.Services.AddSignalR().AddJsonProtocol(o =>
            o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower)));
        if (!string.IsNullOrEmpty(options.Redis))
        {
            // Hub sends to groups (a revoked kiosk link's walls) reach the screens of every instance.
            signalR.AddStackExchangeRedis(options.Redis, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("iocc"));
        }

        if (options.Ingest)
        {
            builder.AddIngest();
        }
        else
        {
            builder.AddReadingsFromBroker();
            builder.Services.AddSingleton<ITelemetryHistory>(_ => new InfluxTelemetryHistory(new InfluxHttpClient(new HttpClient(), configuration.GetSection(InfluxOptions.Section).Get<InfluxOptions>()!)));
        }

        if (options.Analytics)
        {
            builder.AddAnalytics();
        }
        else
        {
            builder.Services.AddSingleton(sp => new Live.RemoteIncidents(new HttpClient(), configuration, sp.GetRequiredService<ILogger<Live.RemoteIncidents>>()));
            builder.Services.AddSingleton<IocCenter.Analytics.Incidents.IIncidents>(sp => sp.GetRequiredService<Live.RemoteIncidents>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<Live.RemoteIncidents>());
        }

        if (!options.Ingest || !options.Analytics)
        {
            builder.Services.AddHealthChecks().AddCheck<Live.ApartHealthCheck>("dashboard", tags: ["ready"]);
        }
        if (options.Simulators)
        {
            builder.Services.AddHostedService<BuiltInFleet>();
        }

        return builder;
    }

    /// <summary>
    /// The embedded broker's accounts: the device registry's secrets, the configured service accounts, and one account for
    /// this process's own clients (ingest, analytics, the dashboard, the built-in fleet) with a secret made at each start
    /// and never written down. The services sign in even in the demo, where devices need not: a client id of theirs
    /// (<c>iocc-…</c>) is then theirs alone, so no one can take over ingest's session and the readings queued in it.
    /// </summary>
    private static void AddBrokerAccounts(WebApplicationBuilder builder, AllInOneOptions options)
    {
        var configuration = builder.Configuration;

        // Every payload ingest could accept must fit in a packet, with its topic; larger ones still reach its dead letters.
        var payloadLimit = configuration.GetValue<int?>(ContractLimits.Section + ":" + nameof(ContractLimits.MaxPayloadBytes)) ?? new ContractLimits().MaxPayloadBytes;
        if (options.BrokerMaxPacketSize < payloadLimit + BrokerPacketOverhead)
        {
            throw new InvalidOperationException(
                $"AllInOne:BrokerMaxPacketSize ({options.BrokerMaxPacketSize}) phải ít nhất bằng Contract:MaxPayloadBytes ({payloadLimit}) + {BrokerPacketOverhead} / " +
                "must be at least Contract:MaxPayloadBytes + " + BrokerPacketOverhead + ", so that every payload ingest accepts gets through the broker");
        }

        const string Internal = "iocc-internal";
        var secret = DeviceSecrets.Generate();
        var accounts = options.BrokerServices.Select(s => new ServiceAccount(s.Username, s.SecretHash))
            .Where(s => s.Username != Internal)
            .Append(new ServiceAccount(Internal, DeviceSecrets.Hash(secret)))
            .ToList();
        var own = new Dictionary<string, string?>();
        if (string.IsNullOrEmpty(configuration["Mqtt:Username"]))
        {
            own["Mqtt:Username"] = Internal;
            own["Mqtt:Password"] = secret;
        }

        if (string.IsNullOrEmpty(configuration["Simulator:Username"]))
        {
            own["Simulator:Username"] = Internal;
            own["Simulator:Password"] = secret;
        }

        configuration.AddInMemoryCollection(own);
        string?[] reserved = [configuration["Mqtt:ClientId"], configuration[IocCenter.Analytics.Live.BrokerReadings.ClientIdSetting]];
        builder.Services.AddSingleton(sp =>
        {
            // Auto: devices sign in once a registry lists them (the pack's devices.json or Devices:RegistryPath).
            var required = options.BrokerAuthentication switch
            {
                BrokerAuthentication.Required => true,
                BrokerAuthentication.Off => false,
                _ => sp.ListsRegisteredDevices(),
            };
            return new BrokerAccounts(sp.GetService<DeviceDirectory>() ?? DeviceDirectory.Empty, accounts, allowAnonymous: !required, reserved.OfType<string>());
        });
    }

    /// <summary>Room in a packet for its fixed header, topic and MQTT 5 properties, beyond the payload.</summary>
    internal const int BrokerPacketOverhead = 1024;
}
