using IocCenter.Geography.Cli;

return ProvinceCommand.Run(args, Console.Out, Console.Error);
