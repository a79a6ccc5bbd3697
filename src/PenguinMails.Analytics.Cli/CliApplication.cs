using System.CommandLine;
using PenguinMails.Analytics.Cli.Commands;

namespace PenguinMails.Analytics.Cli;

/// <summary>
/// The <c>penguin-analytics</c> command tree. Each subcommand lives in <c>Commands/</c> and maps
/// its flags onto the library; <see cref="CommandRunner"/> turns failures into one line on stderr.
/// To add a command: write <c>Commands/XCommand.cs</c> with a <c>Create()</c> that returns a
/// <see cref="Command"/>, and add it below.
/// </summary>
public static class CliApplication
{
    /// <summary>Parses <paramref name="args"/> and runs the command; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("PenguinMails Analytics: the OLAP tier of a cold-email platform.")
        {
            CommonOptions.Database,
            MigrateCommand.Create(),
            SqlCommand.Create(),
            IngestCommand.Create(),
            AggregateCommand.Create(),
            GenerateCommand.Create(),
            ServeCommand.Create(),
            KeysCommand.Create(),
            ReportCommand.Create(),
            MaintainCommand.Create(),
            LimitsCommand.Create(),
            AnonymizeCommand.Create(),
            ExportCommand.Create(),
        };
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }
}
