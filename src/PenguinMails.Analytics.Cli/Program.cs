using PenguinMails.Analytics.Cli;

return await CliApplication.RunAsync(args);
