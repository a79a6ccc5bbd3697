using BenchmarkDotNet.Running;
using PenguinMails.Analytics.Bench;

// dotnet run -c Release --project bench/PenguinMails.Analytics.Bench -- pipeline [--emails N] [--tenants N] [--pg CONNECTION]
// dotnet run -c Release --project bench/PenguinMails.Analytics.Bench -- api [--emails N] [--tenants N] [--clients N] [--seconds N] [--no-cache] [--ingest-lines N] [--emails-per-campaign N] [--pg CONNECTION]
// dotnet run -c Release --project bench/PenguinMails.Analytics.Bench -- exports [--rows N] [--pg CONNECTION]
// dotnet run -c Release --project bench/PenguinMails.Analytics.Bench -- cluster --pg SERVER --cluster COORDINATOR [--emails N] [--tenants N] [--repeats N]
// dotnet run -c Release --project bench/PenguinMails.Analytics.Bench -- micro [BenchmarkDotNet arguments]
if (args.Length > 0 && args[0] == "micro")
{
    BenchmarkSwitcher.FromAssembly(typeof(ParserBenchmarks).Assembly).Run(args[1..]);
    return 0;
}
if (args.Length > 0 && args[0] == "api")
{
    return await ApiBenchmark.RunAsync(args[1..]);
}
if (args.Length > 0 && args[0] == "exports")
{
    return await ExportBenchmark.RunAsync(args[1..]);
}
if (args.Length > 0 && args[0] == "cluster")
{
    return await ClusterBenchmark.RunAsync(args[1..]);
}
if (args.Length > 0 && args[0] == "pipeline")
{
    return await PipelineBenchmark.RunAsync(args[1..]);
}
Console.Error.WriteLine("usage: bench pipeline [--emails N] [--tenants N] [--pg CONNECTION] | bench api [--emails N] [--tenants N] [--clients N] [--seconds N] [--pg CONNECTION] | bench exports [--rows N] [--pg CONNECTION] | bench cluster --pg SERVER --cluster COORDINATOR [--emails N] [--tenants N] | bench micro [...]");
return 1;
