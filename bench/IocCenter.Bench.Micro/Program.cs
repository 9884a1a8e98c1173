using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/IocCenter.Bench.Micro -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(IocCenter.Bench.Micro.HotPathBenchmarks).Assembly).Run(args);
