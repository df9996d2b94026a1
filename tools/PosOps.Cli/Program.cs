using PosOps.Cli;

return await PosOpsCli.RunAsync(args, CliConsole.System());
