using PenguinMails.Analytics.Exports;
using PenguinMails.Analytics.Queries;
using Spectre.Console;

namespace PenguinMails.Analytics.Cli.Output;

/// <summary>Prints a query result to stdout in the chosen format. JSON and CSV stream; a table shows at most <see cref="TableRowLimit"/> rows.</summary>
public static class RowsPrinter
{
    /// <summary>The most rows a table shows; JSON and CSV have no limit.</summary>
    public const int TableRowLimit = 1000;

    /// <summary>Prints every row of <paramref name="result"/>; returns the number printed.</summary>
    public static async Task<long> PrintAsync(QueryResult result, OutputFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        switch (format)
        {
            case OutputFormat.Json:
                await using (var stdout = Console.OpenStandardOutput())
                {
                    var rows = await JsonRowsWriter.WriteAsync(result, stdout, cancellationToken);
                    await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken);
                    return rows;
                }
            case OutputFormat.Csv:
                var written = await CsvRowsWriter.WriteAsync(result, Console.Out, cancellationToken);
                await Console.Out.FlushAsync(cancellationToken);
                return written;
            default:
                return await PrintTableAsync(result, cancellationToken);
        }
    }

    private static async Task<long> PrintTableAsync(QueryResult result, CancellationToken cancellationToken)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in result.Columns)
        {
            table.AddColumn(new TableColumn(new Text(column)));
        }
        long rows = 0;
        var truncated = false;
        while (await result.ReadAsync(cancellationToken))
        {
            if (rows == TableRowLimit)
            {
                truncated = true;
                break;
            }
            var cells = new Text[result.Reader.FieldCount];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = new Text(TabularValue.ToText(result.GetValue(i)) ?? "NULL");
            }
            table.AddRow(cells);
            rows++;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 4096; // piped output: never wrap or cut cells
        }
        console.Write(table);
        console.WriteLine(truncated
            ? $"{rows} rows shown; more rows not shown: use --format csv or --format json for all of them"
            : $"{rows} row{(rows == 1 ? "" : "s")}");
        return rows;
    }
}
