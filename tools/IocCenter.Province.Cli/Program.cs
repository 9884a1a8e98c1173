using IocCenter.Province.Cli;

return ProvinceCommand.Run(args, Console.Out, Console.Error);
