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
            ClusterCommand.Create(),
        };
        // Nothing at all is a newcomer asking what there is: the help, not an error.
        var parse = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (parse.Errors.Count > 0)
        {
            // The same one-line rule as every other failure, instead of the parser's errors and
            // the whole help text; the command's help is one --help away.
            Console.Error.WriteLine($"error: {FirstError(parse)} (see penguin-analytics {CommandPath(parse.CommandResult)}--help)");
            return Task.FromResult(CommandRunner.Failure);
        }
        return parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    // An unknown word says more than the missing subcommand it causes; a command that only groups
    // others names them; the parser's multi-line lists become one line.
    private static string FirstError(ParseResult parse)
    {
        if (parse.UnmatchedTokens.Count > 0)
        {
            return $"unknown command or argument '{parse.UnmatchedTokens[0]}'";
        }
        var command = parse.CommandResult.Command;
        if (command.Action is null && command.Subcommands.Count > 0)
        {
            return $"{(command.Parents.Any() ? command.Name : "penguin-analytics")} needs a command: {string.Join(", ", command.Subcommands.Select(c => c.Name))}";
        }
        return System.Text.RegularExpressions.Regex.Replace(parse.Errors[0].Message, @"\s*\n\s*", " ");
    }

    // "keys create " for the keys create command, "" for the root.
    private static string CommandPath(System.CommandLine.Parsing.CommandResult result) =>
        result.Parent is System.CommandLine.Parsing.CommandResult parent ? $"{CommandPath(parent)}{result.Command.Name} " : "";
}
